"""Safe export of generated files into a directory.

Every write is atomic (temp file + rename). `DIR/.launchdeck/manifest.json` records the sha256 of
each file as launchdeck last wrote it, so a regenerate can tell "unchanged since we wrote it"
(safe to overwrite) from "edited by hand" (kept; the new version goes beside it as FILE.new).
A file that exists but was never written by launchdeck is a conflict and handled the same way.
`force` overwrites everything; `dry_run` only computes a unified diff.

Writes stay inside the output directory. Every path (each file, each FILE.new, the manifest) is
resolved and checked BEFORE anything is written, and the export is refused as a whole (nothing
written) when a component is a symlink leading outside the output directory, a file or anything
else sits where a directory goes, a target exists but is not a regular file (directory, FIFO,
device, socket, or a symlink of any kind: launchdeck replaces regular files only), or a directory
it must write into is read-only. The output directory itself may be a symlink to a directory: the
user named it, so its real path becomes the boundary. A symlinked subdirectory that stays inside
the boundary is followed. Existing files are read with a bounded, non-blocking reader (a FIFO
cannot hang the export).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from launchdeck.app.fsutil import (
    FileTooLarge,
    NotRegularFile,
    atomic_write,
    atomic_write_under,
    describe,
    read_regular_text,
)

MANIFEST = ".launchdeck/manifest.json"
EXECUTABLE = (".sh",)
MAX_EXISTING = 8 * 1024 * 1024  # an existing file larger than this cannot be one we generated
_LARGE = "\0large"  # stands for the content of such a file: equal to nothing we write


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)  # edited by hand; new version in FILE.new
    conflicts: list[str] = field(default_factory=list)  # existed, not written by launchdeck; FILE.new
    diff: str = ""
    dry_run: bool = False

    def actions(self) -> list[tuple[str, str]]:
        """(path, action) rows in path order, for reports."""
        rows = [(p, "would write" if self.dry_run else "written") for p in self.written]
        rows += [(p, "unchanged") for p in self.unchanged]
        rows += [(p, "edited by hand: kept, new version in " + p + ".new") for p in self.kept_edited]
        rows += [(p, "not ours: kept, new version in " + p + ".new") for p in self.conflicts]
        return sorted(rows)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ExportError(Exception):
    """The output directory cannot be used (a file where a directory should be, no permission)."""


def _safe_rel(rel: str) -> str:
    path = PurePosixPath(rel)
    if not rel or path.is_absolute() or ".." in path.parts or "\\" in rel or "\0" in rel:
        raise ExportError(f"refusing to write outside the output directory: {rel!r}")
    return path.as_posix()


def _writable(directory: Path) -> bool:
    """Writable by us, and not marked read-only (root may write anywhere; a 0555 dir is a "no" anyway)."""
    try:
        st = directory.stat()
    except OSError:
        return False
    return os.access(directory, os.W_OK | os.X_OK) and bool(st.st_mode & 0o222)


class Confinement:
    """Resolves paths under the output directory and refuses any that would lead a write elsewhere."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if os.path.lexists(root):
            if root.is_symlink() and not root.exists():
                raise ExportError(f"{root} is a symbolic link to a missing directory ({os.readlink(root)})")
            if not root.is_dir():
                raise ExportError(f"{root} exists and is not a directory (it is {describe(root)})")
        else:
            ancestor = root.parent
            while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
                ancestor = ancestor.parent
            if not ancestor.is_dir():
                raise ExportError(f"cannot create {root}: {ancestor} is {describe(ancestor)}, not a directory")
        self.real = root.resolve()
        self.write_dirs: set[Path] = set()  # existing directories something will be created in

    def path(self, rel: str) -> Path:
        """The real path for `rel`, after checking every component (see the module docstring)."""
        parts = PurePosixPath(rel).parts
        cur, shown = self.real, self.root
        for i, part in enumerate(parts):
            parent, cur, shown = cur, cur / part, shown / part
            last = i == len(parts) - 1
            try:
                mode = os.lstat(cur).st_mode
            except FileNotFoundError:
                self.write_dirs.add(parent)
                return cur.joinpath(*parts[i + 1:])
            if stat.S_ISLNK(mode):
                target = cur.resolve()
                if last:
                    raise ExportError(f"{shown} is a symbolic link (to {os.readlink(cur)}); launchdeck replaces "
                                      "regular files only: remove the link or choose another --out")
                if not target.is_relative_to(self.real):
                    raise ExportError(f"{shown} is a symbolic link leading outside the output directory "
                                      f"(to {target}); refusing to write through it")
                if not target.is_dir():
                    raise ExportError(f"{shown} is a symbolic link to {describe(target)} where a directory goes")
                cur = target
                continue
            if last and not stat.S_ISREG(mode):
                raise ExportError(f"{shown} is {describe(cur)}, not a regular file; refusing to replace it")
            if not last and not stat.S_ISDIR(mode):
                raise ExportError(f"{shown} is {describe(cur)} where a directory goes")
        self.write_dirs.add(cur.parent)
        return cur

    def check_writable(self) -> None:
        for directory in sorted(self.write_dirs):
            while not directory.exists() and directory != directory.parent:  # the out dir is created too
                directory = directory.parent
            if not _writable(directory):
                raise ExportError(f"cannot write into {directory}: it is read-only")


def read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads(read_regular_text(out_dir / MANIFEST, MAX_EXISTING, follow_symlinks=False))
        files = data.get("files", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError):
        return {}


def _read(path: Path) -> str | None:
    """An existing output file's text (None if missing). `path` was checked to be regular or missing."""
    try:
        return read_regular_text(path, MAX_EXISTING, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return "\0binary"
    except FileTooLarge:
        return _LARGE
    except NotRegularFile as exc:  # swapped in since the check: refuse rather than guess
        raise ExportError(f"{path} {exc.strerror}") from None
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_side(path: Path) -> str | None:
    """A FILE.new's text, or None when missing or not a plain file (then it is left alone)."""
    try:
        return read_regular_text(path, MAX_EXISTING, follow_symlinks=False)
    except (OSError, UnicodeDecodeError):
        return None


def _diff(old: str | None, new: str, rel: str, to: str) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile="/dev/null" if old is None else f"a/{rel}", tofile=f"b/{to}")
    text = "".join(lines)
    return text if text.endswith("\n") or not text else text + "\n\\ No newline at end of file\n"


def diff_beside(out_dir: Path, rel: str) -> str:
    """Unified diff of FILE (kept: the user's) against FILE.new (launchdeck's new version), read safely."""
    rel = _safe_rel(rel)
    try:
        box = Confinement(out_dir)
        mine, new = _read(box.path(rel)), _read(box.path(rel + ".new"))
    except ExportError as exc:
        return f"(cannot show: {exc})"
    if new is None:
        return f"({rel}.new is gone: accepted or removed since the export)"
    return _diff(mine, new, rel, rel + ".new")


def export_files(files: dict[str, str], out_dir: str | os.PathLike[str], force: bool = False,
                 dry_run: bool = False) -> ExportResult:
    """Write `files` under `out_dir` safely; see the module docstring for the rules."""
    root = Path(out_dir)
    box = Confinement(root)
    manifest_path = box.path(MANIFEST)  # checked first: it is always written
    manifest = read_manifest(box.real)
    result = ExportResult(dry_run=dry_run)
    diffs: list[str] = []
    plan: list[tuple[Path, str, str]] = []  # (real path, text, manifest key) to write
    settled: list[Path] = []  # FILE.new offers made moot: the file now holds that version
    for rel in sorted(files):
        new = files[rel]
        rel = _safe_rel(rel)
        path = box.path(rel)
        current = _read(path)
        side = path.with_name(path.name + ".new")
        if current == new:
            result.unchanged.append(rel)
            manifest[rel] = sha256(new)
            if _read_side(side) == new:
                settled.append(side)
            continue
        ours = rel in manifest
        if current is None or force or (ours and sha256(current) == manifest[rel]):
            if _read_side(side) == new:
                settled.append(side)
            result.written.append(rel)
            diffs.append(_diff(current, new, rel, rel))
            plan.append((path, new, rel))
            continue
        # Edited by hand (or never ours): keep it, offer the new version beside it.
        (result.kept_edited if ours else result.conflicts).append(rel)
        diffs.append(_diff(current, new, rel, rel + ".new"))
        side = box.path(rel + ".new")  # FILE.new obeys the same rules as FILE
        if _read(side) != new:
            plan.append((side, new, ""))
    result.diff = "".join(diffs)
    if dry_run:
        return result
    box.check_writable()  # every path checked: only now does anything get written
    done = 0
    try:
        box.real.mkdir(parents=True, exist_ok=True)
        for path, text, key in plan:
            # Through directory descriptors: a directory swapped for a symlink since the checks
            # above makes the write fail, never go elsewhere.
            atomic_write_under(box.real, path.relative_to(box.real), text,
                               0o755 if path.name.endswith(EXECUTABLE) else 0o644)
            done += 1
            if key:
                manifest[key] = sha256(text)
        for side in settled:
            side.unlink(missing_ok=True)
        body = {"generator": "launchdeck", "files": dict(sorted(manifest.items()))}
        atomic_write_under(box.real, manifest_path.relative_to(box.real), json.dumps(body, indent=2) + "\n", 0o644)
    except OSError as exc:  # NotADirectoryError, ELOOP from a swapped directory, EACCES, ENOSPC, …
        raise ExportError(_write_failure(exc, root, done, len(plan))) from None
    return result


def _write_failure(exc: OSError, root: Path, done: int, total: int) -> str:
    import errno

    if exc.errno == errno.ELOOP or isinstance(exc, NotADirectoryError):
        what = f"cannot write under {root}: a directory in it was replaced by a symbolic link or a file meanwhile"
    elif isinstance(exc, PermissionError):
        what = f"cannot write under {root}: permission denied"
    else:
        what = f"cannot write under {root}: {exc.strerror or exc}"
    if done:
        what += (f"; {done} of {total} files were written before that, each whole, and the manifest was not "
                 "updated: fix the cause and run it again")
    return what


# --- The last export directory, per plan and target (the TUI's Export dialog offers it again) ---

EXPORT_DIRS = "export-dirs.json"
_KEEP = 200  # plans remembered; the oldest are forgotten


def _dirs_file() -> Path:
    from launchdeck.app.cachedir import cache_dir

    return cache_dir() / EXPORT_DIRS


def _dirs() -> dict[str, str]:
    try:
        data = json.loads(read_regular_text(_dirs_file(), 1024 * 1024))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def remembered_dir(plan_key: str, target: str) -> str | None:
    """The directory this plan's files for `target` were last exported to, if any."""
    return _dirs().get(f"{plan_key}\n{target}")


def remember_dir(plan_key: str, target: str, directory: str) -> None:
    """Remember `directory` for the plan and target (best effort: a cache that cannot be written is no error)."""
    entries = _dirs()
    key = f"{plan_key}\n{target}"
    entries.pop(key, None)
    entries[key] = directory  # newest last
    with contextlib.suppress(OSError):
        atomic_write(_dirs_file(), json.dumps(dict(list(entries.items())[-_KEEP:]), indent=1) + "\n")
