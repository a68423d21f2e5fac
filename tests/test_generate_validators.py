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
    skipped = [v for v in verdicts if v.skipped]
    assert not skipped


def test_generate_without_terraform_says_skipped_and_exits_0(tmp_path, monkeypatch, capsys):
    # A plain install with no terraform on PATH: formatting is "skipped (why)", never "ok", never a failure.
    import json

    from launchdeck.app.cli import main

    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    example = str(ROOT / "assets/example/launchdeck.yaml")
    rc = main(["generate", example, "--target", "cloud-run", "--out", str(tmp_path / "a"), "--force"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "terraform-fmt skipped" in out and "terraform-fmt ok" not in out
    assert "terraform not on PATH" in out and " 0 failed, 14 skipped" in out
    rc = main(["generate", example, "--target", "cloud-run", "--out", str(tmp_path / "b"), "--force", "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    fmt = [v for v in data["validation"] if v["validator"] == "terraform-fmt"]
    assert rc == 0 and fmt and all(v["state"] == "skipped" and v["ok"] is False for v in fmt)
    assert data["ok"] is True and data["validation_summary"]["skipped"] == len(fmt)


def test_generate_with_a_crashing_validator_is_exit_1_not_a_traceback(tmp_path, monkeypatch, capsys):
    from launchdeck.app import validate
    from launchdeck.app.cli import main

    def boom(files):
        raise RecursionError("deep")

    monkeypatch.setattr(validate, "_validate_hcl", boom)
    rc = main(["generate", str(ROOT / "assets/example/launchdeck.yaml"), "--target", "cloud-run",
               "--out", str(tmp_path / "a"), "--force"])
    out = capsys.readouterr().out
    assert rc == 1 and "validator crashed: RecursionError: deep" in out and "Validation FAILED" in out


def test_a_generator_bug_is_one_line_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    import launchdeck.app.generators as generators
    from launchdeck.app.cli import main

    def broken(plan, target):
        raise KeyError("services")

    monkeypatch.delenv("LAUNCHDECK_DEBUG", raising=False)
    monkeypatch.setattr(generators, "generate", broken)
    rc = main(["generate", str(ROOT / "assets/example/launchdeck.yaml"), "--target", "compose",
               "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "KeyError" in err and "a launchdeck bug" in err
    assert not (tmp_path / "o").exists()
