"""Safe export of generated files into a directory.

Every write is atomic (temp file + rename). `DIR/.launchdeck/manifest.json` records the sha256 of
each file as launchdeck last wrote it, so a regenerate can tell "unchanged since we wrote it"
(safe to overwrite) from "edited by hand" (kept; the new version goes beside it as FILE.new).
A file that exists but was never written by launchdeck is a conflict and handled the same way.
`force` overwrites everything; `dry_run` only computes a unified diff.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from launchdeck.app.fsutil import atomic_write

MANIFEST = ".launchdeck/manifest.json"
EXECUTABLE = (".sh",)


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
    path = Path(rel)
    if path.is_absolute() or ".." in path.parts or not rel:
        raise ExportError(f"refusing to write outside the output directory: {rel!r}")
    return path.as_posix()


def read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError):
        return {}


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return "\0binary"
    except IsADirectoryError:
        raise ExportError(f"{path} is a directory, expected a file") from None


def _diff(old: str | None, new: str, rel: str, to: str) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile="/dev/null" if old is None else f"a/{rel}", tofile=f"b/{to}")
    text = "".join(lines)
    return text if text.endswith("\n") or not text else text + "\n\\ No newline at end of file\n"


def export_files(files: dict[str, str], out_dir: str | os.PathLike[str], force: bool = False,
                 dry_run: bool = False) -> ExportResult:
    """Write `files` under `out_dir` safely; see the module docstring for the rules."""
    root = Path(out_dir)
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} exists and is not a directory")
    manifest = read_manifest(root)
    result = ExportResult(dry_run=dry_run)
    diffs: list[str] = []
    plan: list[tuple[Path, str, str]] = []  # (path, text, manifest key) to write
    settled: list[Path] = []  # FILE.new offers made moot: the file now holds that version
    for rel in sorted(files):
        rel = _safe_rel(rel)
        new = files[rel]
        path = root / rel
        current = _read(path)
        side = path.with_name(path.name + ".new")
        if current == new:
            result.unchanged.append(rel)
            manifest[rel] = sha256(new)
            if _read(side) == new:
                settled.append(side)
            continue
        ours = rel in manifest
        if current is None or force or (ours and sha256(current) == manifest[rel]):
            if _read(side) == new:
                settled.append(side)
            result.written.append(rel)
            diffs.append(_diff(current, new, rel, rel))
            plan.append((path, new, rel))
            continue
        # Edited by hand (or never ours): keep it, offer the new version beside it.
        (result.kept_edited if ours else result.conflicts).append(rel)
        diffs.append(_diff(current, new, rel, rel + ".new"))
        if _read(side) != new:
            plan.append((side, new, ""))
    result.diff = "".join(diffs)
    if dry_run:
        return result
    try:
        for path, text, key in plan:
            atomic_write(path, text, 0o755 if path.name.endswith(EXECUTABLE) else 0o644)
            if key:
                manifest[key] = sha256(text)
        for side in settled:
            side.unlink(missing_ok=True)
        body = {"generator": "launchdeck", "files": dict(sorted(manifest.items()))}
        atomic_write(root / MANIFEST, json.dumps(body, indent=2) + "\n")
    except NotADirectoryError as exc:
        raise ExportError(f"cannot write under {root}: a path component is a file ({exc.filename})") from None
    except PermissionError as exc:
        raise ExportError(f"cannot write {exc.filename}: permission denied") from None
    return result
