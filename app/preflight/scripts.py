"""Build and deploy scripts (deploy.sh, Makefile, CI workflows, cloudbuild.yaml): platform flags, env flags."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.walk import code_files, kept_dirs, read_text, rel

_SCRIPT_NAMES = re.compile(r"(\.(sh|bash|mk)$|^(Makefile|makefile|GNUmakefile|justfile|Justfile)$|"
                           r"^Taskfile\.ya?ml$|^cloudbuild[\w.-]*\.ya?ml$|^\.gitlab-ci\.yml$|^package\.json$)")
_BUILD = re.compile(r"\b(docker|podman)\s+(buildx\s+build|build|image\s+build)\b|\bdocker[\s-]compose\s+build\b")
_PUSH = re.compile(r"\b(docker|podman)\s+push\b|--push\b|\bgcloud\s+run\s+deploy\b|pkg\.dev|gcr\.io|"
                   r"\bkubectl\s+(apply|set\s+image)\b|docker[\s-]compose\s+push")
_AMD64_FLAG = re.compile(r"--platform[=\s]+['\"]?linux/amd64")
_ARM = re.compile(r"linux/arm64|linux/aarch64|\barm64v8/|--platform[=\s]+\S*arm", re.IGNORECASE)


_PUBLIC_NAME = re.compile(r"front|web|ui\b|www|site|client|portal|landing", re.IGNORECASE)


def script_files(root: Path, max_depth: int = 3) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        depth = len(Path(dirpath).relative_to(root).parts)
        dirnames[:] = kept_dirs(dirpath, dirnames, keep_dot=(".github",)) if depth < max_depth else []
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if _SCRIPT_NAMES.search(name) or (full.parent.name == "workflows" and name.endswith((".yml", ".yaml"))):
                out.append(full)
    return out


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    buf, start = "", 0
    for n, line in enumerate(text.splitlines(), 1):
        if not buf:
            start = n
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        out.append((start, buf + stripped))
        buf = ""
    if buf:
        out.append((start, buf))
    return out


def _runs_locally(path: Path, text: str) -> bool:
    """CI on hosted amd64 runners and Cloud Build are safe; local scripts and macOS/arm runners are not."""
    if path.name.startswith("cloudbuild"):
        return False
    if path.parent.name == "workflows" or path.name == ".gitlab-ci.yml":
        return bool(re.search(r"runs-on:.*(macos|arm)", text, re.IGNORECASE))
    return True


def iam_findings(root: Path) -> Iterator[Finding]:
    """Secrets, buckets and Cloud SQL wired up in the team's own IaC/scripts without the runtime SA's role."""
    files = [p for p in script_files(root) if p.name != "package.json"]
    files += code_files(root, (".tf",), max_files=200)
    texts = {p: read_text(p) or "" for p in files[:200]}
    everything = "\n".join(texts.values())
    rules = (
        (re.compile(r"--set-secrets|secret_key_ref|secretKeyRef|value_source\s*\{"), "secretAccessor",
         "cr-secret-access-denied"),
        (re.compile(r"--add-cloudsql-instances|cloud_sql_instance\s*\{|cloudsql_instances"), "cloudsql.client",
         "cloudsql-not-authorized"),
        (re.compile(r"resource\s+\"google_storage_bucket\"|gsutil\s+mb|gcloud\s+storage\s+buckets\s+create"),
         "roles/storage.", "gcs-permission-denied"),
    )
    for pattern, grant, fid in rules:
        if grant in everything:
            continue
        for path, text in texts.items():
            m = pattern.search(text)
            if m:
                where = f"{rel(path, root)}:{text.count(chr(10), 0, m.start()) + 1}"
                variant = None if fid == "cloudsql-not-authorized" else "source"
                yield render(fid, variant=variant, severity="warning", where=where)
                break


def arm64_evidence(files: list[Path]) -> bool:
    return any(_ARM.search(read_text(f) or "") for f in files)


def script_findings(root: Path, arm_hint: bool) -> Iterator[Finding]:
    for path in script_files(root):
        text = read_text(path)
        if not text:
            continue
        where_file = rel(path, root)
        if _runs_locally(path, text) and _PUSH.search(text) and "DOCKER_DEFAULT_PLATFORM=linux/amd64" not in text:
            # Flags kept in a variable (`args=(--platform linux/amd64 …)`, then `docker buildx build "${args[@]}"`)
            pinned_elsewhere = bool(_AMD64_FLAG.search(text))
            for line_no, line in _logical_lines(text):
                if pinned_elsewhere and "$" in line and _BUILD.search(line) and "--platform" not in line:
                    continue
                if _BUILD.search(line) and _ARM.search(line) and "amd64" not in line:
                    yield render("cr-exec-format-error", where=f"{where_file}:{line_no}",
                                 detail="builds the image for linux/arm64 only")
                    break
                if _BUILD.search(line) and "--platform" not in line and "platform" not in line.lower():
                    arm = arm_hint or bool(_ARM.search(text))
                    yield render("cr-exec-format-error", severity="error" if arm else "warning",
                                 path=None, where=f"{where_file}:{line_no}",
                                 detail="builds an image on this machine and pushes it without --platform "
                                        "linux/amd64; on an Apple Silicon Mac that image is linux/arm64")
                    break
        for line_no, line in _logical_lines(text):
            if re.search(r"\bgcloud\s+(beta\s+)?run\s+deploy\b", line) and re.search(
                    r"--(command|args)[=\s]+['\"]?[^'\"]*\b(celery|rq|dramatiq|arq|huey)\b", line):
                yield render("cr-worker-deployed-as-service", variant="script",
                             severity="warning" if "--no-cpu-throttling" in line else "error",
                             where=f"{where_file}:{line_no}")
                break
        for line_no, line in _logical_lines(text):
            m = re.search(r"\bgcloud\s+(?:beta\s+)?run\s+deploy\s+(\S+)", line)
            if m and "--no-allow-unauthenticated" in line and _PUBLIC_NAME.search(m.group(1)):
                yield render("cr-invoker-permission-denied", severity="warning", where=f"{where_file}:{line_no}",
                             name=m.group(1))
                break
        wiped_reported = False
        for line_no, line in _logical_lines(text):
            if "--set-env-vars" not in line:
                continue
            if not wiped_reported:
                wiped_reported = True
                yield render("gcloud-env-vars-wiped", variant="script", severity="warning",
                             where=f"{where_file}:{line_no}")
            for m in re.finditer(r"--set-env-vars[=\s]+(['\"]?)([^'\"\s]+)\1", line):
                items = m.group(2).split(",")
                if not m.group(2).startswith("^") and any("=" not in item for item in items[1:]):
                    yield render("gcloud-env-vars-bad-syntax", variant="script", severity="warning",
                                 where=f"{where_file}:{line_no}", name=items[0].split("=", 1)[0])
