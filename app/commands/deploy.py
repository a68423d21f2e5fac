"""`launchdeck deploy`: create or update the Cloud Run services and jobs of a plan through the Run API."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deploy", help="create or update the Cloud Run services and jobs of a plan through the Run API", description="create or update the Cloud Run services and jobs of a plan through the Run API.")
    add_plan_arg(p)
    p.add_argument("--project", help="Google Cloud project")
    p.add_argument("--image", action="append", default=[], metavar="SERVICE=IMAGE",
                   help="image to deploy for a service")
    p.add_argument("--dry-run", action="store_true", help="show a field-level diff against the live services")
    p.add_argument("--prune", action="store_true", help="remove live env vars and secrets absent from the plan")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask; keep live-only settings unless --prune")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`deploy` is not built yet")
