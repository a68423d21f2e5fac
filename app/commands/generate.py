"""`launchdeck generate`: write deploy configs for a target (Terraform, Kubernetes, compose, scripts, CI)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from launchdeck.app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg

if TYPE_CHECKING:
    from launchdeck.app.export import ExportResult
    from launchdeck.app.plan import Plan
    from launchdeck.app.validate import Verdict


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


def _check_preflight(plan: Plan, target: str, force: bool, plan_path: Path | None = None) -> bool:
    """Refuse (return False) when preflight finds an error that means the deploy will not start.

    Uses the same source tree as `doctor` would. With --force, the findings are printed as a
    warning and generation goes on.
    """
    import sys

    from launchdeck.app.commands.doctor import _build_paths, looks_like_source
    from launchdeck.app.preflight import run_preflight, startup_blockers

    source = None
    if plan_path is not None:
        directory = plan_path.resolve().parent
        source = directory if looks_like_source(directory, _build_paths(plan)) else None
    blockers = startup_blockers(run_preflight(plan, target, source))
    if not blockers:
        return True
    lines = [f"  {f.id} ({f.service or 'plan'}): {f.message} Fix: {f.fix}" for f in blockers]
    if force:
        print("launchdeck: generating despite preflight errors (--force):", *lines, sep="\n", file=sys.stderr)
        return True
    print(f"launchdeck: not generating for {target}: preflight says it will not start:", *lines,
          "Fix the plan (see `launchdeck doctor`), or pass --force to generate anyway.", sep="\n", file=sys.stderr)
    return False


def run(args: argparse.Namespace) -> int:
    from launchdeck.app.commands._common import load, plan_for_target
    from launchdeck.app.export import ExportError, export_files
    from launchdeck.app.generators import SecretInEnv, SecretsInPlan, generate, generate_notes
    from launchdeck.app.validate import validate_files

    loaded = load(args.plan)
    plan = plan_for_target(loaded.plan, args.target)
    target = plan.target
    try:
        # refuses secret values in env, command args, anywhere: exit 2 naming the keys, never the values
        files = generate(plan, target)
        if not _check_preflight(plan, target, args.force, loaded.path):
            return 1
    except (SecretInEnv, SecretsInPlan) as exc:
        raise CommandError(str(exc)) from None
    except Exception as exc:  # a bug in a generator or a preflight rule: one line, never a traceback
        if os.environ.get("LAUNCHDECK_DEBUG"):
            raise
        raise CommandError(f"could not generate files for {target}: {type(exc).__name__}: {exc} -- a launchdeck "
                           "bug, nothing was written (LAUNCHDECK_DEBUG=1 shows the traceback)") from None
    try:
        result = export_files(files, args.out, force=args.force, dry_run=args.dry_run)
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    verdicts = validate_files(files, target)  # never raises: a crashed validator is a failed check
    print(_render(args.format, target, args.out, result, verdicts, generate_notes(plan, target)))
    return 1 if any(v.failed for v in verdicts) else 0  # skipped (tool not here) never fails generate


_MARK = {"ok": "ok", "failed": "FAILED", "skipped": "skipped"}


def _skipped_rows(verdicts: list[Verdict]) -> list[tuple[str, str, str]]:
    """One row per (validator, reason): a missing tool is said once, not once per file."""
    groups: dict[tuple[str, str], int] = {}
    for v in verdicts:
        if v.skipped:
            groups[(v.validator, v.message)] = groups.get((v.validator, v.message), 0) + 1
    return [(name, f"{n} file(s)", why) for (name, why), n in sorted(groups.items())]


def _render(fmt: str, target: str, out: str, result: ExportResult, verdicts: list[Verdict],
            plan_notes: list[str] | None = None) -> str:
    from launchdeck.app.output import md_table, text_table, to_json
    from launchdeck.app.validate import summary_counts, summary_line

    failed = [v for v in verdicts if v.failed]
    counts = summary_counts(verdicts)
    if fmt == "json":
        return to_json({
            "target": target, "out": out, "dry_run": result.dry_run,
            "files": [{"path": p, "action": a} for p, a in result.actions()],
            "validation": [v.to_dict() for v in verdicts], "ok": not failed,
            "validation_summary": counts, "notes": plan_notes or [],
            **({"diff": result.diff} if result.dry_run else {}),
        })
    by_path: dict[str, list[str]] = {}
    for v in verdicts:
        by_path.setdefault(v.path, []).append(f"{v.validator} {_MARK[v.state]}")
    rows = [(p, a, ", ".join(by_path.get(p, [])) or "-") for p, a in result.actions()]
    headers = ("file", "action", "checks")
    verb = "Would write" if result.dry_run else "Wrote"
    fail_rows = [(v.validator, v.path, v.message) for v in failed]
    skip_rows = _skipped_rows(verdicts)
    parts: list[str] = []
    if result.dry_run:
        parts.append(result.diff.rstrip("\n") or "(no changes)")
    if fmt == "md":
        parts.append(f"## {target} → {out}\n\n" + md_table(headers, rows))
        if failed:
            parts.append("### Validation failures\n\n" + md_table(("validator", "file", "problem"), fail_rows))
        if skip_rows:
            parts.append("### Not checked here\n\n" + md_table(("validator", "files", "why"), skip_rows))
    else:
        parts.append(text_table(headers, rows, title=f"{target} → {out}"))
        if failed:
            parts.append(text_table(("validator", "file", "problem"), fail_rows, title="Validation failures"))
        if skip_rows:
            parts.append(text_table(("validator", "files", "why"), skip_rows, title="Not checked here (skipped)"))
    edited = result.kept_edited + result.conflicts
    verdict_word = "FAILED" if failed else ("passed" if not counts["skipped"] else "passed where checked")
    notes = [f"{verb} {len(result.written)} file(s), {len(result.unchanged)} unchanged. "
             f"Validation {verdict_word}: {summary_line(verdicts)}."]
    if edited:
        notes.append(f"{len(edited)} file(s) changed by hand were kept; review each FILE.new beside them "
                     "(or rerun with --force to overwrite).")
    notes += [f"Note: {n}." for n in plan_notes or []]
    parts.append("\n".join(notes))
    return "\n\n".join(parts)
