"""A small Dockerfile reader: instructions, stages, the built stage's ENV/USER/CMD. Never builds anything.

"Final" means the stage the service builds: compose's `build.target` when it names a stage, else the last
one (what `docker build` produces). A multi-stage file with `api` and `worker` stages gives each service
the CMD, ENV and USER of its own stage.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Instruction:
    keyword: str  # upper case
    args: str
    line: int  # 1-based line where the instruction starts


@dataclass
class Stage:
    image: str
    alias: str | None
    platform: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    path: Path
    stages: list[Stage]
    target: str | None = None  # the build target the service names (compose build.target)

    @property
    def final(self) -> Stage | None:
        if self.target:
            named = [s for s in self.stages if s.alias == self.target.lower()]
            if named:
                return named[-1]
        return self.stages[-1] if self.stages else None

    def chain(self, stage: Stage | None = None) -> list[Stage]:
        """The stage and the earlier stages it is built FROM, base first."""
        stage = stage or self.final
        out: list[Stage] = []
        while stage is not None and stage not in out:
            out.insert(0, stage)
            stage = next((s for s in self.stages if s.alias and s.alias == stage.image.lower()), None)
        return out

    def final_instructions(self, keyword: str) -> list[Instruction]:
        return [i for s in self.chain() for i in s.instructions if i.keyword == keyword]

    def env_names(self) -> set[str]:
        names: set[str] = set()
        for ins in self.final_instructions("ENV"):
            names.update(env_pairs(ins.args))
        return names

    def env_values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for ins in self.final_instructions("ENV"):
            values.update(env_pairs(ins.args))
        return values

    def build_values(self) -> dict[str, str]:
        """ENV and ARG defaults of every stage: what a build step (next build, vite build) sees."""
        values: dict[str, str] = {}
        for ins in self.all_instructions("ARG") + self.all_instructions("ENV"):
            for key, value in env_pairs(ins.args).items():
                if value and "$" not in value:
                    values[key] = value
        return values

    def user(self) -> Instruction | None:
        users = self.final_instructions("USER")
        return users[-1] if users else None

    def start_command(self) -> tuple[str, Instruction | None]:
        """ENTRYPOINT + CMD of the final stage as one shell-ish string, and the instruction it came from."""
        entry = self.final_instructions("ENTRYPOINT")
        cmd = self.final_instructions("CMD")
        parts = [exec_form_text(i.args) for i in (entry[-1:] + cmd[-1:])]
        source = (cmd[-1:] or entry[-1:] or [None])[0]
        return " ".join(p for p in parts if p), source

    def all_instructions(self, keyword: str) -> list[Instruction]:
        return [i for s in self.stages for i in s.instructions if i.keyword == keyword]


_FROM_RE = re.compile(r"^(?P<flags>(?:--\S+\s+)*)(?P<image>\S+)(?:\s+AS\s+(?P<alias>\S+))?", re.IGNORECASE)


def parse_dockerfile(path: Path, target: str | None = None) -> Dockerfile | None:
    from launchdeck.app.safeio import MAX_SOURCE_BYTES, read_bounded

    try:  # a regular file of sane size only: a FIFO or /dev/zero named Dockerfile must not hang doctor
        text = read_bounded(path, MAX_SOURCE_BYTES, "Dockerfile").decode("utf-8", "replace")
    except OSError:
        return None
    stages: list[Stage] = []
    preamble: list[Instruction] = []
    for ins in instructions(text):
        if ins.keyword == "FROM":
            m = _FROM_RE.match(ins.args)
            if not m:
                continue
            platform = re.search(r"--platform[=\s]+(\S+)", m.group("flags") or "")
            stages.append(Stage(image=m.group("image"), alias=(m.group("alias") or "").lower() or None,
                                platform=platform.group(1) if platform else None, line=ins.line))
        elif stages:
            stages[-1].instructions.append(ins)
        else:
            preamble.append(ins)
    return Dockerfile(path=path, stages=stages, target=target or None)


def instructions(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    out: list[Instruction] = []
    buf: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue
        if not buf:
            start = n
        if line.endswith("\\"):
            buf.append(line[:-1].strip())
            continue
        buf.append(line)
        joined = " ".join(b for b in buf if b)
        buf = []
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
    if buf:
        joined = " ".join(buf)
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
    return out


def exec_form_text(args: str) -> str:
    """CMD ["a", "b"] -> 'a b' (shell-quoted where needed); shell form is returned as is."""
    args = args.strip()
    if args.startswith("["):
        try:
            items = json.loads(args)
        except ValueError:
            return args
        if isinstance(items, list):
            import shlex

            return " ".join(shlex.quote(str(i)) if (" " in str(i) or not str(i)) else str(i) for i in items)
    return args


def env_pairs(args: str) -> dict[str, str]:
    """ENV A=1 B="two words"  or  ENV A 1  -> {A: 1, ...}."""
    import shlex

    try:
        tokens = shlex.split(args)
    except ValueError:
        tokens = args.split()
    if tokens and "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}
    pairs: dict[str, str] = {}
    for tok in tokens:
        if "=" in tok:
            k, _, v = tok.partition("=")
            pairs[k] = v
    return pairs
