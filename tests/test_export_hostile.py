"""Hostile output directories: `generate` writes inside `--out` or not at all.

Each case builds an output directory an attacker or an unlucky user could leave behind, runs the
real CLI in a child process (with a timeout: a FIFO must not hang it), and checks the exit code,
the one-line message naming the path, and that nothing changed anywhere under the test's temp dir
when the export is refused (nothing outside `--out` either way).

Allowed on purpose (see app/export.py): `--out` itself a symlink to a directory (the user named
it), and a symlinked subdirectory that stays inside `--out`.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets/example/launchdeck.yaml"
CANARY = "outside the output directory: must never change\n"


def snapshot(top: Path) -> dict[str, tuple]:
    """Every entry under `top` (not following links): kind, mode, size, mtime and small contents."""
    seen: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = os.lstat(path)
            body: object = None
            if stat.S_ISREG(st.st_mode):
                body = path.read_bytes()
            elif stat.S_ISLNK(st.st_mode):
                body = os.readlink(path)
            seen[str(path.relative_to(top))] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), body,
                                                st.st_mtime_ns if stat.S_ISREG(st.st_mode) else None)
    return seen


def generate(out: Path, target: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "launchdeck.app.cli", "generate", str(EXAMPLE), "--target", target,
                           "--out", str(out), *extra], capture_output=True, text=True, timeout=90,
                          stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"})


# Each case: (name, target, setup(out, outside) -> None, message fragment). All are refused.
def _link(rel: str, to: Callable[[Path, Path], Path]) -> Callable[[Path, Path], None]:
    def setup(out: Path, outside: Path) -> None:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).symlink_to(to(out, outside))
    return setup


def _fifo(rel: str) -> Callable[[Path, Path], None]:
    def setup(out: Path, outside: Path) -> None:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(out / rel)
    return setup


def _file(rel: str) -> Callable[[Path, Path], None]:
    def setup(out: Path, outside: Path) -> None:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("a plain file\n")
    return setup


def _dir(rel: str) -> Callable[[Path, Path], None]:
    def setup(out: Path, outside: Path) -> None:
        (out / rel).mkdir(parents=True)
    return setup


def _socket(rel: str) -> Callable[[Path, Path], None]:
    def setup(out: Path, outside: Path) -> None:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(out / rel))
        sock.close()
    return setup


def _edited_with_side_link(out: Path, outside: Path) -> None:
    (out / "docker-compose.yml").write_text("services: {}\n# mine\n")
    (out / "docker-compose.yml.new").symlink_to(outside / "victim.txt")


def _readonly(out: Path, outside: Path) -> None:
    out.chmod(0o555)


REFUSED = [
    ("subdir-symlink-outside", "cloud-run-jobs", _link("terraform", lambda o, x: x / "tfdir"),
     "terraform is a symbolic link leading outside"),
    ("nested-subdir-symlink-outside", "cloud-run-jobs", _link(".github", lambda o, x: x / "tfdir"),
     ".github is a symbolic link leading outside"),
    ("file-symlink-outside", "compose", _link("docker-compose.yml", lambda o, x: x / "victim.txt"),
     "docker-compose.yml is a symbolic link"),
    ("file-symlink-inside", "compose", _link("docker-compose.yml", lambda o, x: o / "DEPLOY.md"),
     "docker-compose.yml is a symbolic link"),
    ("dangling-symlink", "compose", _link("docker-compose.yml", lambda o, x: x / "not-there.yml"),
     "docker-compose.yml is a symbolic link"),
    ("dev-zero-link", "compose", _link("docker-compose.yml", lambda o, x: Path("/dev/zero")),
     "docker-compose.yml is a symbolic link"),
    ("dev-zero-link-as-dir", "cloud-run-jobs", _link("terraform", lambda o, x: Path("/dev/zero")),
     "terraform is a symbolic link leading outside"),
    ("fifo-as-file", "compose", _fifo("docker-compose.yml"), "docker-compose.yml is a FIFO"),
    ("fifo-as-dir", "cloud-run-jobs", _fifo("terraform"), "terraform is a FIFO (named pipe) where a directory goes"),
    ("socket-as-file", "compose", _socket("DEPLOY.md"), "DEPLOY.md is a socket"),
    ("file-where-dir-goes", "cloud-run-jobs", _file("terraform"), "terraform is a regular file where a directory goes"),
    ("dir-where-file-goes", "compose", _dir("docker-compose.yml"), "docker-compose.yml is a directory"),
    ("manifest-dir-symlink-outside", "compose", _link(".launchdeck", lambda o, x: x / "tfdir"),
     ".launchdeck is a symbolic link leading outside"),
    ("manifest-file-symlink", "compose", _link(".launchdeck/manifest.json", lambda o, x: x / "victim.txt"),
     "manifest.json is a symbolic link"),
    ("manifest-dev-zero", "compose", _link(".launchdeck/manifest.json", lambda o, x: Path("/dev/zero")),
     "manifest.json is a symbolic link"),
    ("manifest-dir-is-file", "compose", _file(".launchdeck"), ".launchdeck is a regular file where a directory goes"),
    ("manifest-fifo", "compose", _fifo(".launchdeck/manifest.json"), "manifest.json is a FIFO"),
    ("side-file-symlink-outside", "compose", _edited_with_side_link, "docker-compose.yml.new is a symbolic link"),
    ("read-only-out", "compose", _readonly, "read-only"),
]


@pytest.fixture
def arena(tmp_path: Path) -> tuple[Path, Path]:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    (outside / "tfdir").mkdir(parents=True)
    (outside / "victim.txt").write_text(CANARY)
    (outside / "tfdir" / "main.tf").write_text(CANARY)
    return out, outside


@pytest.mark.parametrize(("target", "setup", "says"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_hostile_out_dir_is_refused_and_nothing_is_written(tmp_path, arena, target, setup, says):
    out, outside = arena
    setup(out, outside)
    before = snapshot(tmp_path)
    # --force (overwrite hand edits) may not lead a write out either; the FILE.new case needs a kept edit.
    extra = () if "side-file" in says or "yml.new" in says else ("--force",)
    try:
        proc = generate(out, target, *extra)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("launchdeck: ") and says in lines[0], proc.stderr
        assert str(out) in lines[0]  # names the path
        assert "Traceback" not in proc.stderr and proc.stdout == ""
        assert snapshot(tmp_path) == before  # nothing written, inside or outside
        assert (outside / "victim.txt").read_text() == CANARY
    finally:
        out.chmod(0o755)


def test_dry_run_is_refused_the_same_and_never_reads_a_fifo(arena):
    out, outside = arena
    os.mkfifo(out / "docker-compose.yml")
    proc = generate(out, "compose", "--dry-run")
    assert proc.returncode == 2 and "is a FIFO" in proc.stderr


def test_out_dir_that_is_a_symlink_to_a_directory_is_allowed(tmp_path, arena):
    out, outside = arena
    real = tmp_path / "real-out"
    real.mkdir()
    link = tmp_path / "link-out"
    link.symlink_to(real)
    before = snapshot(outside)
    proc = generate(link, "compose")
    assert proc.returncode == 0, proc.stderr
    assert (real / "docker-compose.yml").is_file() and (real / ".launchdeck/manifest.json").is_file()
    assert snapshot(outside) == before


def test_out_dir_symlink_to_nowhere_and_file_in_the_way_are_refused(tmp_path):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    proc = generate(tmp_path / "dangling", "compose")
    assert proc.returncode == 2 and "symbolic link to a missing directory" in proc.stderr
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "afile").write_text("x")
    proc = generate(tmp_path / "afile" / "deploy", "compose")
    assert proc.returncode == 2 and "afile is a regular file, not a directory" in proc.stderr
    assert (tmp_path / "afile").read_text() == "x"


def test_a_symlinked_subdir_that_stays_inside_is_followed(arena):
    out, outside = arena
    (out / "tf-real").mkdir()
    (out / "terraform").symlink_to("tf-real")
    proc = generate(out, "cloud-run-jobs")
    assert proc.returncode == 0, proc.stderr
    assert (out / "tf-real" / "main.tf").is_file() and (out / "terraform").is_symlink()


def test_a_hard_link_to_an_outside_file_is_never_written_through(arena):
    # The write replaces the directory entry (temp file + rename): the linked inode is untouched.
    out, outside = arena
    os.link(outside / "victim.txt", out / "docker-compose.yml")
    proc = generate(out, "compose")
    assert proc.returncode == 0, proc.stderr
    assert "docker-compose.yml.new" in proc.stdout  # not ours: kept, new version beside it
    assert (outside / "victim.txt").read_text() == CANARY
    proc = generate(out, "compose", "--force")
    assert proc.returncode == 0 and (outside / "victim.txt").read_text() == CANARY
    assert (out / "docker-compose.yml").read_text() != CANARY

