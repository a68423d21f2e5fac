"""Atomic writes: whole files only, and file modes as a plain open() would leave them."""

import os
import stat

import pytest

from launchdeck.app.fsutil import (
    FileTooLarge,
    NotRegularFile,
    atomic_write,
    describe,
    read_regular_bytes,
    read_regular_text,
)


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


# --- the bounded reader: a FIFO, a device or a huge file never hangs or eats memory ------------


def test_reader_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)  # no writer: a plain open() would block forever
    with pytest.raises(NotRegularFile, match="FIFO"):
        read_regular_text(fifo, 1000)
    assert describe(fifo) == "a FIFO (named pipe)"


def test_reader_refuses_devices_directories_and_too_large_files(tmp_path):
    with pytest.raises(NotRegularFile, match="character device"):
        read_regular_bytes("/dev/zero", 1000)
    (tmp_path / "link").symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile):
        read_regular_bytes(tmp_path / "link", 1000)
    with pytest.raises(NotRegularFile, match="directory"):
        read_regular_bytes(tmp_path, 1000)
    (tmp_path / "big").write_bytes(b"x" * 1001)
    with pytest.raises(FileTooLarge, match="1,001 bytes"):
        read_regular_bytes(tmp_path / "big", 1000)
    assert read_regular_bytes(tmp_path / "big", 1001) == b"x" * 1001
    with pytest.raises(FileNotFoundError):
        read_regular_bytes(tmp_path / "missing", 10)


def test_reader_can_refuse_symlinks(tmp_path):
    (tmp_path / "real").write_text("ok")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular_text(tmp_path / "link", 10) == "ok"
    with pytest.raises(NotRegularFile, match="symbolic link"):
        read_regular_text(tmp_path / "link", 10, follow_symlinks=False)


# --- atomic_write_under: no write can be led outside the root, even by a race -------------------

def test_a_directory_swapped_for_a_symlink_after_the_checks_makes_the_write_fail(tmp_path):
    from launchdeck.app.fsutil import atomic_write_under

    root, outside = tmp_path / "out", tmp_path / "outside"
    (root / "terraform").mkdir(parents=True)
    outside.mkdir()
    # The race, played in order: the checks saw a directory; now it is a link leading outside.
    (root / "terraform").rmdir()
    (root / "terraform").symlink_to(outside)
    with pytest.raises(OSError):
        atomic_write_under(root, "terraform/main.tf", "resource {}\n")
    assert list(outside.iterdir()) == []


def test_a_hard_link_or_symlink_at_the_name_is_replaced_not_written_through(tmp_path):
    from launchdeck.app.fsutil import atomic_write_under

    root, precious = tmp_path / "out", tmp_path / "precious.txt"
    root.mkdir()
    precious.write_text("keep me\n")
    os.link(precious, root / "main.tf")
    (root / "deploy.sh").symlink_to(precious)
    atomic_write_under(root, "main.tf", "new\n")
    atomic_write_under(root, "deploy.sh", "#!/bin/sh\n", 0o755)
    assert precious.read_text() == "keep me\n"
    assert (root / "main.tf").read_text() == "new\n" and not (root / "deploy.sh").is_symlink()
    assert os.stat(root / "deploy.sh").st_mode & 0o777 == 0o755
    assert sorted(p.name for p in root.iterdir()) == ["deploy.sh", "main.tf"]  # no temp file left


def test_missing_directories_are_created_and_dotdot_is_refused(tmp_path):
    from launchdeck.app.fsutil import atomic_write_under

    atomic_write_under(tmp_path, "a/b/c.txt", "x")
    assert (tmp_path / "a/b/c.txt").read_text() == "x"
    with pytest.raises(ValueError):
        atomic_write_under(tmp_path, "../escape.txt", "x")


@pytest.mark.parametrize("kind", ["fifo", "socket", "directory"])
def test_atomic_write_never_replaces_what_is_not_a_regular_file(tmp_path, kind):
    """`import -o /dev/null --force` as root once replaced /dev/null with a plain file. (Tested here
    with a FIFO, a socket and a directory: a test must never risk the machine's /dev/null.)"""
    import socket as socketlib

    from launchdeck.app.fsutil import NotRegularFile, atomic_write

    target = tmp_path / "plan.yaml"
    sock = None
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        sock = socketlib.socket(socketlib.AF_UNIX)
        sock.bind(str(target))
    else:
        target.mkdir()
    try:
        with pytest.raises(NotRegularFile, match="not a regular file"):
            atomic_write(target, "name: x\n")
        assert not stat.S_ISREG(os.lstat(target).st_mode)
        assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]  # no temp file left either
    finally:
        if sock is not None:
            sock.close()
