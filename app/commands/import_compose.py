"""`launchdeck import`: turn a docker-compose.yml into a launchdeck.yaml plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from launchdeck.app.commands._common import CommandError, add_format_arg

if TYPE_CHECKING:
    from launchdeck.app.compose import ImportResult


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="turn a docker-compose.yml into a launchdeck.yaml plan",
                       description="turn a docker-compose.yml into a launchdeck.yaml plan. Prints, per service, "
                                   "the role chosen and why. Secret values are never copied, only their names.")
    p.add_argument("compose", metavar="COMPOSE", help="docker-compose.yml")
    p.add_argument("-o", "--output", default="launchdeck.yaml",
                   help="plan file to write (default: launchdeck.yaml; '-' prints it)")
    p.add_argument("--force", action="store_true", help="overwrite an existing plan file")
    add_format_arg(p)
    p.set_defaults(func=run)


def header(compose: str) -> str:
    return (f"# launchdeck plan, imported from {Path(compose).name}.\n"
            "# Secret values were left out: only their names are listed under `secrets`.\n")


def run(args: argparse.Namespace) -> int:
    from launchdeck.app.compose import import_compose
    from launchdeck.app.fsutil import atomic_write
    from launchdeck.app.planfile import render_plan

    out = args.output
    if out != "-":
        target = Path(out)
        if target.is_dir():
            raise CommandError(f"{out} is a directory; give a file name with -o")
        if target.exists() and not args.force:
            raise CommandError(f"{out} already exists; not overwriting it (use --force, or -o another file)")
    result = import_compose(args.compose)
    text = header(args.compose) + render_plan(result.plan)
    report = sys.stdout
    if out == "-":
        sys.stdout.write(text)
        report = sys.stderr
    else:
        try:
            atomic_write(Path(out), text)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    print(render_report(result, out, args.format), file=report)
    return 0


def render_report(result: ImportResult, out: str, fmt: str) -> str:
    from launchdeck.app.output import md_table, text_table, to_json

    rows = [(r.service if not r.plan_name else f"{r.service} → {r.plan_name}", r.role, r.why)
            for r in result.rows]
    if fmt == "json":
        return to_json({"output": out, "services": [
            {"service": r.service, "plan_name": r.plan_name or r.service, "role": r.role, "why": r.why}
            for r in result.rows], "notes": result.notes})
    plan = result.plan
    summary = f"{len(plan.services)} service(s)" + "".join(
        f", {part}" for part in (
            "postgres" if plan.postgres else "", "redis" if plan.redis else "",
            f"{len(plan.buckets)} bucket(s)" if plan.buckets else "",
            f"{len(plan.unmapped)} not mapped" if plan.unmapped else "") if part)
    where = "the plan above" if out == "-" else out
    if fmt == "md":
        body = md_table(("service", "role", "why"), rows)
        notes = "".join(f"\n- {n}" for n in result.notes)
        return f"{body}\n{notes}\n\nWrote {where}: {summary}." if notes else f"{body}\n\nWrote {where}: {summary}."
    lines = [text_table(("service", "role", "why"), rows)]
    lines += [f"note: {n}" for n in result.notes]
    lines.append(f"wrote {where}: {summary}")
    if out != "-":
        lines.append(f"next: launchdeck estimate {out}")
    return "\n".join(lines)
