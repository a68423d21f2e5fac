"""`launchdeck init`: write a starter launchdeck.yaml from the built-in example."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="write a starter launchdeck.yaml from the built-in example", description="write a starter launchdeck.yaml from the built-in example.")
    p.add_argument("-o", "--output", default="launchdeck.yaml", help="plan file to write")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`init` is not built yet")
