"""`launchdeck status`: live state of each Cloud Run service and job in the plan."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="live state of each Cloud Run service and job in the plan", description="live state of each Cloud Run service and job in the plan.")
    add_plan_arg(p)
    p.add_argument("--project", help="Google Cloud project")
    p.add_argument("--logs", action="store_true", help="print the last log lines of each failing revision")
    add_format_arg(p, ("table", "json"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`status` is not built yet")
