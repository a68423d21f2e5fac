"""`launchdeck doctor`: preflight: predict known deploy failures from the plan and source tree."""

from __future__ import annotations

import argparse
from pathlib import Path

from launchdeck.app.commands._common import CommandError, add_format_arg, add_plan_arg, add_target_arg

# A directory counts as a source tree when it holds one of these (or a service's build context).
_SOURCE_MARKERS = (
    "Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml", "package.json",
    "requirements.txt", "pyproject.toml", "Makefile", "deploy.sh", "cloudbuild.yaml",
)  # fmt: skip


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="preflight: predict known deploy failures from the plan and source tree", description="preflight: predict known deploy failures from the plan and source tree.")
    add_plan_arg(p)
    add_target_arg(p)
    p.add_argument("--source", metavar="DIR", help="source tree to check (default: the plan's directory)")
    add_format_arg(p)
    p.set_defaults(func=run)


def looks_like_source(directory: Path, build_paths: list[str]) -> bool:
    """True when `directory` holds code or build files worth scanning."""
    if any((directory / m).exists() for m in _SOURCE_MARKERS):
        return True
    if any((directory / b).is_dir() for b in build_paths):
        return True
    return any(directory.glob("*/Dockerfile"))


def _build_paths(plan) -> list[str]:  # noqa: ANN001 - Plan, imported lazily
    out = []
    for svc in plan.services.values():
        if isinstance(svc.build, str):
            out.append(svc.build)
        elif isinstance(svc.build, dict) and isinstance(svc.build.get("context"), str):
            out.append(svc.build["context"])
    return out


def resolve_source(args: argparse.Namespace, plan, plan_path: Path | None) -> Path | None:  # noqa: ANN001
    if args.source:
        source = Path(args.source)
        if not source.is_dir():
            raise CommandError(f"--source {args.source}: not a directory")
        return source
    if plan_path is None:
        return None
    directory = plan_path.resolve().parent
    return directory if looks_like_source(directory, _build_paths(plan)) else None


def run(args: argparse.Namespace) -> int:
    from launchdeck.app.commands._common import load
    from launchdeck.app.output import emit
    from launchdeck.app.preflight import has_errors, run_preflight

    loaded = load(args.plan)
    plan = loaded.plan
    target = args.target or plan.target
    # Not plan_for_target: values the target rejects are findings here, not a refusal to run.
    if target != plan.target:
        plan = plan.model_copy(update={"target": target})
    source = resolve_source(args, plan, loaded.path)
    findings = run_preflight(plan, target, source)
    emit(render(findings, args.format, target, source))
    return 1 if has_errors(findings) else 0


def render(findings: list, fmt: str, target: str, source: Path | None) -> str:
    from launchdeck.app.output import md_table, text_table, to_json

    if fmt == "json":
        return to_json({"target": target, "findings": [f.to_dict() for f in findings]})
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    summary = (f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
               f"for target {target}" + (f", source {_shown(source)}" if source else ", plan only (no source tree)"))
    rows = [(f.severity, f.id, f.service or "-", f.message, f.fix) for f in findings]
    headers = ("severity", "id", "service", "problem", "fix")
    if fmt == "md":
        return (md_table(headers, rows) + "\n\n" if rows else "") + summary
    if not rows:
        return f"No findings: {summary}."
    return text_table(headers, rows, title=f"launchdeck doctor: {target}") + "\n" + summary


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)
