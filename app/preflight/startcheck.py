"""Slow start-up work in a start command (the plan's `command`, or the image's CMD and its start scripts)."""

from __future__ import annotations

import re

from launchdeck.app.preflight.entry import StartCommand

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
