"""Measure `launchdeck doctor` on project trees it was not written against: bench/eval/projects/*/.

Each project has a launchdeck.yaml, a small source tree shaped like a well-known open-source app, and an
expected.yaml listing the failures planted in it ({id, service}) and findings that are true but not
planted (`allowed`). Prints, per project and in total:

  recall          planted failures found (a finding with that id for that service, any severity)
  false errors    error-severity findings that match nothing planted or allowed, over all projects
  clean errors    the same on the projects marked clean (the target is zero: a false error there makes
                  `generate` refuse a correct plan)

Usage: python bench/doctor_eval.py [--dir DIR] [--verbose] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from launchdeck.app.planfile import load_plan
from launchdeck.app.preflight import Finding, run_preflight

CORPUS = Path(__file__).resolve().parent / "eval" / "projects"


@dataclass
class Result:
    name: str
    clean: bool
    planted: list[dict]
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    false_errors: list[Finding] = field(default_factory=list)
    warnings: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


def _matches(f: Finding, entry: dict) -> bool:
    return f.id == entry["id"] and (entry.get("service") is None or f.service in (entry["service"], None))


def evaluate(project: Path) -> Result:
    expected = yaml.safe_load((project / "expected.yaml").read_text())
    planted = expected.get("planted") or []
    allowed = expected.get("allowed") or []
    start = time.perf_counter()
    plan = load_plan(project / "launchdeck.yaml").plan
    findings = run_preflight(plan, None, project)
    result = Result(project.name, bool(expected.get("clean")), planted, findings=findings,
                    seconds=time.perf_counter() - start)
    for entry in planted:
        (result.found if any(_matches(f, entry) for f in findings) else result.missed).append(entry)
    result.false_errors = [f for f in findings if f.severity == "error"
                           and not any(_matches(f, e) for e in planted + allowed)]
    result.warnings = sum(f.severity == "warning" for f in findings)
    return result


def projects(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "expected.yaml").is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=CORPUS)
    parser.add_argument("--verbose", "-v", action="store_true", help="print every finding of every project")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = [evaluate(p) for p in projects(args.dir)]
    planted = sum(len(r.planted) for r in results)
    found = sum(len(r.found) for r in results)
    false_errors = sum(len(r.false_errors) for r in results)
    clean = [r for r in results if r.clean]
    clean_errors = sum(len(r.false_errors) for r in clean)
    summary = {
        "projects": len(results), "clean_projects": len(clean), "planted": planted, "found": found,
        "recall": round(found / planted, 4) if planted else None, "false_errors": false_errors,
        "false_errors_on_clean": clean_errors, "warnings_on_clean": sum(r.warnings for r in clean),
        "seconds": round(sum(r.seconds for r in results), 2),
    }
    if args.json:
        summary["projects_detail"] = [{
            "name": r.name, "clean": r.clean, "missed": r.missed,
            "false_errors": [f.to_dict() for f in r.false_errors]} for r in results]
        print(json.dumps(summary, indent=2))
        return 0
    for r in results:
        mark = "clean" if r.clean else f"{len(r.found)}/{len(r.planted)}"
        extra = ""
        if r.missed:
            extra += "  missed: " + ", ".join(f"{m['id']}({m.get('service')})" for m in r.missed)
        if r.false_errors:
            extra += "  FALSE ERRORS: " + ", ".join(f"{f.id}({f.service})" for f in r.false_errors)
        print(f"{r.name:32} {mark:6} warnings {r.warnings:2}{extra}")
        if args.verbose:
            for f in r.findings:
                print(f"    {f.severity:7} {f.id} [{f.service}] {f.message[:150]}")
    print()
    print(f"projects {summary['projects']} ({summary['clean_projects']} clean), planted failures {planted}")
    print(f"recall        {found}/{planted} = {100 * found / max(planted, 1):.1f} %")
    print(f"false errors  {false_errors} over all projects, {clean_errors} on clean projects")
    print(f"warnings on clean projects {summary['warnings_on_clean']}; {summary['seconds']} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
