"""`launchdeck generate`: write deploy configs for a target (Terraform, Kubernetes, compose, scripts, CI)."""

from __future__ import annotations

import argparse

from app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg  # noqa: F401


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="write deploy configs for a target (Terraform, Kubernetes, compose, scripts, CI)", description="write deploy configs for a target (Terraform, Kubernetes, compose, scripts, CI).")
    add_plan_arg(p)
    add_target_arg(p)
    p.add_argument("--out", "-o", metavar="DIR", required=True, help="output directory")
    p.add_argument("--dry-run", action="store_true", help="show a diff of what would change; write nothing")
    p.add_argument("--force", action="store_true",
                   help="overwrite files edited by hand; generate despite preflight errors")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CommandError("`generate` is not built yet")
