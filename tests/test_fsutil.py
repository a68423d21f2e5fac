"""Atomic writes: whole files only, and file modes as a plain open() would leave them."""

import os
import stat

from launchdeck.app.fsutil import atomic_write


def test_new_file_respects_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "launchdeck.yaml", "name: x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "launchdeck.yaml").stat().st_mode) == 0o644
    assert (tmp_path / "launchdeck.yaml").read_text() == "name: x\n"


def test_existing_file_keeps_its_mode_and_no_temp_files_remain(tmp_path):
    target = tmp_path / "deploy.sh"
    target.write_text("old\n")
    target.chmod(0o750)
    atomic_write(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["deploy.sh"]


def test_explicit_mode_wins(tmp_path):
    atomic_write(tmp_path / "a" / "b.sh", "x", 0o755)
    assert stat.S_IMODE((tmp_path / "a" / "b.sh").stat().st_mode) == 0o755
