"""Helpers shared by the command modules: plan loading, target choice, errors on stderr."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan
    from launchdeck.app.planfile import LoadedPlan


class CommandError(Exception):
    """Bad input or environment: printed as one line on stderr, exit 2."""


def add_plan_arg(p: argparse.ArgumentParser) -> None:
    # Optional, like `terraform plan` in its directory: run from a project, the plan is found there.
    p.add_argument("plan", nargs="?", default="launchdeck.yaml", metavar="PLAN",
                   help="plan file (default: launchdeck.yaml in the current directory)")


def add_target_arg(p: argparse.ArgumentParser) -> None:
    from launchdeck.app.targets import TARGETS  # not app.plan: building the parser must not load pydantic

    p.add_argument("--target", "-t", choices=TARGETS, help="deploy target (default: the plan's)")


def add_format_arg(p: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json", "md")) -> None:
    p.add_argument("--format", "-f", choices=choices, default="table", help="output format")


def load(path: str) -> LoadedPlan:
    """Load a plan file. A compose file given by mistake fails with a hint to `launchdeck import` it."""
    import os

    from launchdeck.app.planfile import load_plan

    if path == "launchdeck.yaml" and not os.path.lexists(path):
        raise CommandError("no launchdeck.yaml here: give a plan file, or create one with "
                           "`launchdeck import docker-compose.yml` or `launchdeck init`")
    return load_plan(path)


def plan_for_target(plan: Plan, target: str | None) -> Plan:
    """The plan with `target` applied, re-validated against that target's limits."""
    from launchdeck.app.plan import target_problems
    from launchdeck.app.planfile import PlanError, PlanFileError

    if not target or target == plan.target:
        return plan
    problems = target_problems(plan, target)
    if problems:
        raise PlanFileError([PlanError("--target " + target, None, ".".join(map(str, p)), m) for p, m in problems])
    return plan.model_copy(update={"target": target})


def error(message: str) -> int:
    from launchdeck.app.termtext import visible

    print(f"launchdeck: {visible(message, keep_newlines=True)}", file=sys.stderr)
    return 2
