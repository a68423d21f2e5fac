"""`launchdeck estimate`: monthly cost of the plan per component, low-high."""

from __future__ import annotations

import argparse

from launchdeck.app.commands._common import (
    CommandError,
    add_format_arg,
    add_plan_arg,
    add_target_arg,
    load,
    plan_for_target,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("estimate", help="monthly cost of the plan per component, low-high", description="monthly cost of the plan per component, low-high.")
    add_plan_arg(p)
    add_target_arg(p)
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(args.plan)  # the plan first: a bad plan is the user's first problem
    plan = plan_for_target(loaded.plan, args.target)
    from launchdeck.app.output import emit
    from launchdeck.estimators import CatalogError, estimate
    from launchdeck.estimators.render import render_report

    try:
        report = estimate(plan, plan.target)
    except CatalogError as exc:
        raise CommandError(str(exc)) from None
    emit(render_report(report, args.format, plan.name))
    return 0
