"""`launchdeck scan`: find known errors in a log file (or - for stdin) and print hints."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="find known errors in a log file (or - for stdin) and print hints", description="find known errors in a log file (or - for stdin) and print hints.")
    p.add_argument("file", metavar="FILE", help="log file, or - for standard input")
    add_format_arg(p, ("table", "jsonl", "md"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`scan` is not built yet")
