"""`launchdeck import`: turn a docker-compose.yml into a launchdeck.yaml plan."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="turn a docker-compose.yml into a launchdeck.yaml plan", description="turn a docker-compose.yml into a launchdeck.yaml plan.")
    p.add_argument("compose", metavar="COMPOSE", help="docker-compose.yml")
    p.add_argument("-o", "--output", default="launchdeck.yaml", help="plan file to write (default: launchdeck.yaml)")
    p.add_argument("--force", action="store_true", help="overwrite an existing plan file")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`import` is not built yet")
