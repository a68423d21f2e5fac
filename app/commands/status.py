"""`launchdeck status`: live state of each Cloud Run service and job in the plan."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from launchdeck.app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401

if TYPE_CHECKING:
    from launchdeck.app.live.status import ServiceStatus
    from launchdeck.app.plan import Plan

def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="live state of each Cloud Run service and job in the plan", description="live state of each Cloud Run service and job in the plan.")
    add_plan_arg(p)
    p.add_argument("--project", help="Google Cloud project")
    p.add_argument("--logs", action="store_true", help="print the last log lines of each failing revision")
    p.add_argument("--lines", type=int, default=30, metavar="N", help="log lines per failing revision (default 30)")
    add_format_arg(p, ("table", "json"))
    p.set_defaults(func=run)


def cloud_run_context(args: argparse.Namespace) -> tuple[Plan, str]:
    """The plan and project for a live Cloud Run command, or CommandError (exit 2) with one line."""
    from launchdeck.app.commands._common import load
    from launchdeck.app.gcp import NoProject, resolve_project
    from launchdeck.app.plan import CLOUD_RUN_TARGETS

    plan = load(args.plan).plan
    if plan.target not in CLOUD_RUN_TARGETS:
        raise CommandError(f"{args.command} works with Cloud Run; the plan's target is {plan.target} "
                           f"(set target: cloud-run or cloud-run-jobs in {args.plan})")
    if not plan.services:
        raise CommandError(f"{args.plan} has no services")
    try:
        project = resolve_project(getattr(args, "project", None), plan.project)
    except NoProject as exc:
        raise CommandError(str(exc)) from None
    return plan, project


def print_errors(items: list[tuple[str, str | None]]) -> None:
    """(error line, kind) pairs on stderr; a permission error shared by every service prints once."""
    from launchdeck.app.live.status import summarize_errors
    from launchdeck.app.termtext import visible

    for line in summarize_errors(items):
        print(f"launchdeck: {visible(line)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    plan, project = cloud_run_context(args)
    if args.lines < 1:
        raise CommandError("--lines must be at least 1")
    from launchdeck.app.interrupts import run_async

    return run_async(_status(args, plan, project))


async def _status(args: argparse.Namespace, plan: Plan, project: str) -> int:
    from launchdeck.app.gcp import NoCredentials, make_run_clients
    from launchdeck.app.live.render import status_json, status_text
    from launchdeck.app.live.status import LogsUnavailable, close_run_clients, failure_logs, fetch_status
    from launchdeck.app.output import emit

    try:
        clients = make_run_clients()
    except NoCredentials as exc:
        raise CommandError(str(exc)) from None
    try:
        statuses = await fetch_status(plan, project, plan.region, clients=clients)
    finally:
        await close_run_clients(clients)
    errors = [st for st in statuses if st.error]
    if errors and len(errors) == len(statuses):
        print_errors([(st.error or "", st.error_kind) for st in errors])
        return 2
    logs: dict[str, list[str]] | None = None
    log_errors: dict[str, str] = {}
    if args.logs:
        logs = {}
        for st in statuses:
            if st.failing:
                try:
                    logs[st.name] = await failure_logs(project, plan.region, st, limit=args.lines)
                except LogsUnavailable as exc:
                    log_errors[st.name] = str(exc)
    render = status_json if args.format == "json" else status_text
    emit(render(statuses, project, plan.region, logs, log_errors))
    if errors:
        print_errors([(st.error or "", st.error_kind) for st in errors])
        return 2
    return exit_code(statuses)


def exit_code(statuses: list[ServiceStatus]) -> int:
    """0 when everything is ready; 1 when anything is failing, not deployed or still deploying."""
    return 0 if all(st.ready for st in statuses) else 1
