"""`launchdeck doctor`: preflight: predict known deploy failures from the plan and source tree."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="preflight: predict known deploy failures from the plan and source tree", description="preflight: predict known deploy failures from the plan and source tree.")
    add_plan_arg(p)
    add_target_arg(p)
    p.add_argument("--source", metavar="DIR", help="source tree to check (default: the plan's directory)")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`doctor` is not built yet")
