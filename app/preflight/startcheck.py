"""Checks on a service's start command (the plan's `command`, or the image's CMD and its start scripts)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS, Plan, Service
from launchdeck.app.preflight.catalog import Finding, render
from launchdeck.app.preflight.entry import StartCommand, bound_to_localhost, hard_coded_port

# Start-up work that delays the first listen: migrations, dependency installs, builds, model downloads.
_STARTUP_WORK = (
    (re.compile(r"\balembic\b.*\bupgrade\b|\bmanage\.py\s+migrate\b|\bflask\s+db\s+upgrade\b|"
                r"\bprisma\s+(migrate\s+deploy|db\s+push)\b|\bsequelize(-cli)?\s+db:migrate\b|\bknex\s+migrate|"
                r"\b(rails|rake)\s+db:migrate\b|\b(npm|yarn|pnpm)\s+run\s+(db:)?migrat|\bdiesel\s+migration\s+run\b|"
                r"\bpython\S*\s+\S*migrat\w*\.py\b|\byoyo\s+apply\b|\baerich\s+upgrade\b"), "database migrations"),
    (re.compile(r"huggingface-cli\s+download|\bhf\s+download\b|snapshot_download|hf_hub_download|from_pretrained|"
                r"\bpython\S*\s+\S*download\w*\.py\b|\b(wget|curl)\b.*\.(bin|pt|pth|onnx|safetensors|ckpt|gguf|h5)\b|"
                r"\b(gsutil|gcloud\s+storage)\s+(-m\s+)?(cp|rsync)\b"), "a model download"),
    (re.compile(r"\b(pip3?|uv\s+pip)\s+install\b|\b(npm\s+(install|ci)|yarn\s+install|pnpm\s+install)\b"),
     "a dependency install"),
    (re.compile(r"\b(npm|yarn|pnpm)\s+run\s+build\b|\bnext\s+build\b|\bcollectstatic\b"), "a build step"),
)


def startup_work(start: StartCommand) -> list[tuple[str, str]]:
    """(what, where) for each kind of slow work the start command does before serving."""
    found: dict[str, str] = {}
    for where, line in start.lines():
        for pattern, what in _STARTUP_WORK:
            if what not in found and pattern.search(line):
                found[what] = where
    return list(found.items())


def _expected_port(svc: Service, target: str) -> int | None:
    if svc.port is not None:
        return svc.port
    return 8080 if target in CLOUD_RUN_TARGETS else None


def _serves(svc: Service, target: str) -> bool:
    return svc.role in ("web", "websocket")


def command_findings(plan: Plan, target: str, name: str, svc: Service, start: StartCommand,
                     env: set[str]) -> Iterator[Finding]:
    """Bind address, port and blocking start-up work for one web/websocket service."""
    if not _serves(svc, target) or not start.text:
        return
    key = "command" if svc.command else "build"
    path = f"services.{name}.{key}"
    for where, line in start.lines():
        host = bound_to_localhost(line, env)
        if host:
            yield render("node-bound-to-localhost", service=name, path=path, where=where, host=host)
            break
    expected = _expected_port(svc, target)
    if expected is not None:
        for where, line in start.lines():
            port = hard_coded_port(line, env)
            if port is not None and port != expected:
                yield render("cr-container-failed-to-listen-on-port", service=name,
                             path=f"services.{name}.port", where=where, found=port, expected=expected)
                break
    work = startup_work(start)
    if work:
        fid = "k8s-startup-probe-failed" if target.startswith("gke") else "cr-startup-probe-failed"
        if target == "compose":
            return
        yield render(fid, service=name, path=path, work=" and ".join(w for w, _ in work),
                     where=", ".join(dict.fromkeys(w for _, w in work)))
