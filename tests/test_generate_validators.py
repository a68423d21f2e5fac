"""Every target's output, for the example plan and the varied plans, passes every real validator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from launchdeck.app.generators import generate
from launchdeck.app.plan import TARGETS, target_problems
from launchdeck.app.planfile import load_plan
from launchdeck.app.validate import validate_files

ROOT = Path(__file__).resolve().parent.parent
PLANS = [ROOT / "assets/example/launchdeck.yaml", *sorted((ROOT / "tests/data/plans").glob("*.yaml"))]


def _cases() -> list[tuple[Path, str]]:
    cases = []
    for path in PLANS:
        plan = load_plan(path).plan
        cases += [(path, t) for t in TARGETS if not target_problems(plan, t)]
    return cases


CASES = _cases()
EXPECTED = {
    "cloud-run": {"terraform-fmt", "hcl2", "tf-schema", "shellcheck", "actionlint"},
    "cloud-run-jobs": {"terraform-fmt", "hcl2", "tf-schema", "shellcheck", "actionlint"},
    "gke-autopilot": {"terraform-fmt", "hcl2", "tf-schema", "shellcheck", "actionlint", "kubernetes-validate",
                      "kustomization"},
    "gke-standard": {"terraform-fmt", "hcl2", "tf-schema", "shellcheck", "actionlint", "kubernetes-validate",
                     "kustomization"},
    "compose": {"compose-spec"},
}


def test_the_tools_are_really_there():
    # The suite must run the validators, never skip them.
    for tool in ("terraform", "shellcheck", "actionlint"):
        from launchdeck.app.validate import _tool

        assert _tool(tool), f"{tool} missing"
    assert shutil.which("terraform") or Path("/usr/local/bin/terraform").exists()


def test_enough_varied_cases():
    assert len(PLANS) >= 6
    assert {t for _, t in CASES} == set(TARGETS)
    assert len(CASES) >= 25


@pytest.mark.parametrize(("plan_path", "target"), CASES, ids=[f"{p.stem}-{t}" for p, t in CASES])
def test_all_validators_pass(plan_path: Path, target: str):
    plan = load_plan(plan_path).plan
    files = generate(plan, target)
    verdicts = validate_files(files, target)
    bad = [f"{v.validator} {v.path}: {v.message}" for v in verdicts if not v.ok]
    assert not bad, "\n".join(bad)
    assert EXPECTED[target] <= {v.validator for v in verdicts}
    skipped = [v for v in verdicts if "skipped" in v.message]
    assert not skipped
