"""`launchdeck logs`: follow a log stream with inline hints for known errors."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("logs", help="follow a log stream with inline hints for known errors", description="follow a log stream with inline hints for known errors.")
    p.add_argument("--source", "-s", required=True, metavar="SOURCE",
                   help="cloud-run:SERVICE | cloud-run-job:JOB | compose[:DIR] | kubectl:SELECTOR | file:PATH")
    p.add_argument("--plan", default=None, metavar="PLAN", help="plan file (for project and region)")
    p.add_argument("--project", help="Google Cloud project (default: plan, then GOOGLE_CLOUD_PROJECT)")
    p.add_argument("--region", help="region (default: the plan's)")
    p.add_argument("--since", default="10m", help="backfill this much history first (e.g. 10m, 2h)")
    p.add_argument("--no-follow", action="store_true", help="print the backfill and stop")
    add_format_arg(p, ("table", "jsonl"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`logs` is not built yet")
