"""`launchdeck compare`: every target side by side, self-host included, with break-even months."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="every target side by side, self-host included, with break-even months", description="every target side by side, self-host included, with break-even months.")
    add_plan_arg(p)
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`compare` is not built yet")
