"""Safe export: manifest, hand edits kept beside FILE.new, --force, --dry-run, and the CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app.export import MANIFEST, ExportError, export_files, sha256

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets/example/launchdeck.yaml"
FILES = {"a.txt": "one\n", "sub/b.txt": "two\n", "deploy.sh": "#!/bin/sh\necho hi\n"}


def test_first_export_writes_all_and_records_hashes(tmp_path):
    result = export_files(FILES, tmp_path)
    assert sorted(result.written) == sorted(FILES)
    assert (tmp_path / "sub/b.txt").read_text() == "two\n"
    manifest = json.loads((tmp_path / MANIFEST).read_text())["files"]
    assert manifest == {p: sha256(t) for p, t in FILES.items()}
    assert os.stat(tmp_path / "deploy.sh").st_mode & stat.S_IXUSR
    assert not os.stat(tmp_path / "a.txt").st_mode & stat.S_IXUSR
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert leftovers == []


def test_regenerate_same_is_unchanged_and_changes_overwrite_unedited(tmp_path):
    export_files(FILES, tmp_path)
    again = export_files(FILES, tmp_path)
    assert again.written == [] and sorted(again.unchanged) == sorted(FILES)
    changed = {**FILES, "a.txt": "ONE\n", "new.txt": "three\n"}
    result = export_files(changed, tmp_path)
    assert sorted(result.written) == ["a.txt", "new.txt"]
    assert (tmp_path / "a.txt").read_text() == "ONE\n"
    assert not list(tmp_path.rglob("*.new"))


def test_hand_edit_is_kept_and_new_version_goes_beside_it(tmp_path):
    export_files(FILES, tmp_path)
    (tmp_path / "a.txt").write_text("one\nmy local tweak\n")
    result = export_files({**FILES, "a.txt": "ONE\n"}, tmp_path)
    assert result.kept_edited == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "one\nmy local tweak\n"
    assert (tmp_path / "a.txt.new").read_text() == "ONE\n"
    assert ("a.txt", "edited by hand: kept, new version in a.txt.new") in result.actions()
    # Still recognised as edited on the next run; nothing rewritten needlessly.
    again = export_files({**FILES, "a.txt": "ONE\n"}, tmp_path)
    assert again.kept_edited == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "one\nmy local tweak\n"
    # --force overwrites the edit.
    forced = export_files({**FILES, "a.txt": "ONE\n"}, tmp_path, force=True)
    assert forced.written == ["a.txt"] and (tmp_path / "a.txt").read_text() == "ONE\n"
    # Accepting the new version by hand makes it ours again, and the spent FILE.new goes away.
    (tmp_path / "a.txt.new").write_text("ONE\n")
    assert "a.txt" in export_files({**FILES, "a.txt": "ONE\n"}, tmp_path).unchanged
    assert not (tmp_path / "a.txt.new").exists()


def test_foreign_file_is_a_conflict(tmp_path):
    (tmp_path / "a.txt").write_text("someone else's\n")
    result = export_files(FILES, tmp_path)
    assert result.conflicts == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "someone else's\n"
    assert (tmp_path / "a.txt.new").read_text() == "one\n"


def test_dry_run_writes_nothing_and_diffs(tmp_path):
    export_files(FILES, tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = export_files({**FILES, "a.txt": "ONE\n", "c.txt": "new\n"}, tmp_path, dry_run=True)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert "--- a/a.txt\n+++ b/a.txt\n" in result.diff and "-one\n+ONE\n" in result.diff
    assert "--- /dev/null\n+++ b/c.txt\n" in result.diff
    assert sorted(result.written) == ["a.txt", "c.txt"]
    empty = tmp_path / "fresh"
    export_files(FILES, empty, dry_run=True)
    assert not empty.exists()


def test_refuses_paths_outside_and_file_as_dir(tmp_path):
    with pytest.raises(ExportError):
        export_files({"../escape.txt": "x"}, tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ExportError):
        export_files(FILES, tmp_path / "afile")


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "launchdeck.app.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


@pytest.mark.slow
def test_cli_generate_reports_files_and_verdicts(tmp_path):
    # cloud-run-jobs: on plain cloud-run the example's Celery worker is a preflight blocker.
    first = _cli("generate", str(EXAMPLE), "--target", "cloud-run-jobs", "--out", str(tmp_path), "--format", "json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["ok"] is True and report["target"] == "cloud-run-jobs"
    assert {f["action"] for f in report["files"]} == {"written"}
    assert {f["path"] for f in report["files"]} == {
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and ".launchdeck" not in p.parts}
    assert {v["validator"] for v in report["validation"]} >= {"hcl2", "tf-schema", "terraform-fmt", "shellcheck",
                                                              "actionlint"}


@pytest.mark.slow
def test_cli_regenerate_keeps_hand_edit(tmp_path):
    out = tmp_path / "out"
    assert _cli("generate", str(EXAMPLE), "--target", "compose", "--out", str(out)).returncode == 0
    compose = out / "docker-compose.yml"
    compose.write_text(compose.read_text() + "# my own note\n")
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXAMPLE.read_text().replace("memory: 4Gi", "memory: 8Gi"))
    second = _cli("generate", str(plan), "--target", "compose", "--out", str(out))
    assert second.returncode == 0, second.stderr
    assert "edited by hand" in second.stdout and "docker-compose.yml.new" in second.stdout
    assert compose.read_text().endswith("# my own note\n")
    assert "memory: 8192M" in (out / "docker-compose.yml.new").read_text()
    dry = _cli("generate", str(plan), "--target", "compose", "--out", str(out), "--dry-run", "--force")
    assert dry.returncode == 0 and "+++ b/docker-compose.yml" in dry.stdout and "-# my own note" in dry.stdout
    assert compose.read_text().endswith("# my own note\n")


def test_cli_bad_input_exits_2(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text(EXAMPLE.read_text().replace("LOG_LEVEL: info", "LOG_LEVEL: info\n      STRIPE_SECRET_KEY: x1"), )
    proc = _cli("generate", str(bad), "--target", "cloud-run", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert "STRIPE_SECRET_KEY" in proc.stderr and "secrets" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()
    (tmp_path / "o").write_text("a file")
    proc = _cli("generate", str(EXAMPLE), "--target", "compose", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "not a directory" in proc.stderr
