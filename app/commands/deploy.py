"""`launchdeck deploy`: create or update the Cloud Run services and jobs of a plan through the Run API."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from launchdeck.app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401

if TYPE_CHECKING:
    from launchdeck.app.gcp import RunClients
    from launchdeck.app.live.deploy import Unit
    from launchdeck.app.plan import Plan

VERIFY_LOG_LINES = 20


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deploy", help="create or update the Cloud Run services and jobs of a plan through the Run API", description="create or update the Cloud Run services and jobs of a plan through the Run API.")
    add_plan_arg(p)
    p.add_argument("--project", help="Google Cloud project")
    p.add_argument("--image", action="append", default=[], metavar="SERVICE=IMAGE",
                   help="image to deploy for a service")
    p.add_argument("--tag", metavar="TAG",
                   help="deploy the images the generated deploy script pushed with this tag "
                        "(default: keep the live image; :latest for a new service)")
    p.add_argument("--dry-run", action="store_true", help="show a field-level diff against the live services")
    p.add_argument("--prune", action="store_true", help="remove live env vars and secrets absent from the plan")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask; keep live-only settings unless --prune")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import re

    from launchdeck.app.commands.status import cloud_run_context
    from launchdeck.app.live.deploy import BadImageArg, parse_image_args

    plan, project = cloud_run_context(args)
    from launchdeck.app.plansecrets import SecretsInPlan, refuse_plan_secrets

    try:  # as for generate: a secret written in the plan would go out as a plain env var or argument
        refuse_plan_secrets(plan)
    except SecretsInPlan as exc:
        raise CommandError(str(exc)) from None
    if args.tag is not None and not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", args.tag):
        raise CommandError(f"--tag {args.tag!r} is not a valid image tag (letters, digits, '_', '.', '-')")
    try:
        images = parse_image_args(args.image, plan)
    except BadImageArg as exc:
        raise CommandError(str(exc)) from None
    from launchdeck.app.interrupts import run_async

    return run_async(_deploy(args, plan, project, images))


def interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def ask_keep(unit: Unit) -> bool:
    """On a terminal: list a unit's live-only settings and ask whether to keep them (default keep)."""
    print(f"{unit.label} has settings live that the plan does not have:")
    for lo in unit.live_only:
        print(f"  {lo.describe()}")
    while True:
        try:
            answer = input("Keep them? [K]eep / [r]emove: ").strip().lower()
        except EOFError:
            return True
        if answer in ("", "k", "keep"):
            return True
        if answer in ("r", "remove"):
            return False


async def _deploy(args: argparse.Namespace, plan: Plan, project: str, images: dict[str, str]) -> int:
    from launchdeck.app.gcp import NoCredentials, make_run_clients
    from launchdeck.app.live.status import close_run_clients

    try:
        clients = make_run_clients()
    except NoCredentials as exc:
        raise CommandError(str(exc)) from None
    try:
        return await _deploy_with(args, plan, project, images, clients)
    finally:
        await close_run_clients(clients)


async def _deploy_with(args: argparse.Namespace, plan: Plan, project: str, images: dict[str, str],
                       clients: RunClients) -> int:
    from launchdeck.app.commands.status import print_errors
    from launchdeck.app.live.deploy import apply, prepare, rebuild
    from launchdeck.app.live.render import DeployProgress, changes_text, failure_lines, live_only_lines
    from launchdeck.app.live.status import LogsUnavailable, failure_logs, fetch_status

    region = plan.region
    units = await prepare(plan, project, region, images, clients, prune=args.prune, tag=args.tag)
    broken = [u for u in units if u.error]
    if broken:  # cannot read what is live: do not deploy half a stack
        print_errors([(u.error or "", u.error_kind) for u in broken])
        return 2

    if args.dry_run:
        for unit in units:
            print("\n".join(changes_text(unit)))
        print("Dry run: nothing was changed.")
        return 0

    if not args.prune and not args.yes and interactive():
        for unit in units:
            if unit.live_only:
                unit.keep_live_only = ask_keep(unit)
                rebuild(unit, plan)

    todo = [u for u in units if u.create or u.changes]
    for unit in units:
        if unit not in todo:
            unit.outcome = "unchanged"
    print(f"Deploying to Cloud Run in {project} / {region}: "
          f"{len(todo)} to create or update, {len(units) - len(todo)} unchanged.")
    for unit in units:
        for line in live_only_lines(unit):
            print(line)

    async def one(unit: Unit, progress: DeployProgress) -> None:
        progress.begin(unit)
        await apply(unit, clients)
        progress.end(unit)

    with DeployProgress() as progress:
        await asyncio.gather(*(one(u, progress) for u in todo))

    failed = [u for u in todo if u.error]
    env_failure = any(u.error_kind in ("permission", "disabled", "auth") for u in failed)
    # The operation succeeding does not mean the service is Ready: read the conditions.
    checked = [u.name for u in units if not u.error]
    statuses = {st.name: st for st in await fetch_status(plan, project, region, clients=clients, only=checked)}
    failing = [st for st in statuses.values() if st.failing]
    for st in failing:
        try:
            logs, logs_error = await failure_logs(project, region, st, limit=VERIFY_LOG_LINES), None
        except LogsUnavailable as exc:
            logs, logs_error = None, str(exc)
        print()
        print("\n".join(failure_lines(st, logs, logs_error)))

    print()
    for unit in units:
        st = statuses.get(unit.name)
        state = st.state if st else "failed"
        where = f" {st.url}" if st and st.url and state == "ready" else ""
        print(f"{unit.label}: {unit.outcome or 'failed'}, {state}{where}")
    if failed:
        print_errors([(u.error or "", u.error_kind) for u in failed])
    if env_failure:
        return 2
    return 1 if failed or failing else 0
