"""`launchdeck estimate`: monthly cost of the plan per component, low-high."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("estimate", help="monthly cost of the plan per component, low-high", description="monthly cost of the plan per component, low-high.")
    add_plan_arg(p)
    add_target_arg(p)
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`estimate` is not built yet")
