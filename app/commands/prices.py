"""`launchdeck prices`: manage the price catalog (refresh from the Cloud Billing Catalog API)."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("prices", help="manage the price catalog (refresh from the Cloud Billing Catalog API)", description="manage the price catalog (refresh from the Cloud Billing Catalog API).")
    ps = p.add_subparsers(dest="prices_command", metavar="ACTION", required=True)
    r = ps.add_parser("refresh", help="fetch current list prices into the user cache")
    r.add_argument("--api-key", help="Cloud Billing API key (default: Application Default Credentials)")
    r.set_defaults(func=run)
    s = ps.add_parser("show", help="show which catalog estimates use")
    s.set_defaults(func=run)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`prices` is not built yet")
