"""`launchdeck compare`: every target side by side, self-host included, with break-even months."""

from __future__ import annotations

import argparse

from launchdeck.app.commands._common import CommandError, add_format_arg, add_plan_arg, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="every target side by side, self-host included, with break-even months", description="every target side by side, self-host included, with break-even months.")
    add_plan_arg(p)
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(args.plan)
    from launchdeck.app.output import emit
    from launchdeck.estimators import CatalogError, compare
    from launchdeck.estimators.render import render_comparison

    try:
        cmp = compare(loaded.plan)
    except CatalogError as exc:
        raise CommandError(str(exc)) from None
    emit(render_comparison(cmp, args.format, loaded.plan.name))
    return 0
