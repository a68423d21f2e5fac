"""The doctor's evaluation corpus (bench/eval/projects) as a regression guard: clean projects get no error
finding (a false error there makes `generate` refuse a correct plan), and every planted failure is found."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from launchdeck.app.planfile import load_plan
from launchdeck.app.preflight import run_preflight

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "eval" / "projects"
PROJECTS = sorted(p for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())
CLEAN = [p for p in PROJECTS if yaml.safe_load((p / "expected.yaml").read_text()).get("clean")]


def findings(project: Path):
    return run_preflight(load_plan(project / "launchdeck.yaml").plan, None, project)


def test_the_corpus_is_big_enough_to_mean_something():
    assert len(PROJECTS) >= 30 and len(CLEAN) >= 10


@pytest.mark.parametrize("project", CLEAN, ids=lambda p: p.name)
def test_clean_project_has_no_error_finding(project):
    errors = [f for f in findings(project) if f.severity == "error"]
    assert errors == [], [(f.id, f.service, f.message) for f in errors]


@pytest.mark.parametrize("project", [p for p in PROJECTS if p not in CLEAN], ids=lambda p: p.name)
def test_planted_failures_are_found(project):
    planted = yaml.safe_load((project / "expected.yaml").read_text())["planted"]
    got = findings(project)
    for entry in planted:
        assert any(f.id == entry["id"] and (entry["service"] is None or f.service in (entry["service"], None))
                   for f in got), (entry, [(f.id, f.service) for f in got])
