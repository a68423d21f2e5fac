"""Read and write `launchdeck.yaml`.

Errors are one line each, `FILE:LINE: key.path: what is wrong (what is allowed)`. Saving merges
the Plan into the document that was read, so the user's comments, key order and spellings
(`1000m`, `1G`) survive unless the value itself changed.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from launchdeck.app.fsutil import atomic_write
from launchdeck.app.plan import Plan, PlanProblems
from launchdeck.app.planerrors import PlanError, PlanFileError
from launchdeck.app.units import UnitError, format_cpu, parse_cpu, parse_memory_mib


@dataclass
class LoadedPlan:
    plan: Plan
    path: Path | None
    doc: Any = field(default=None, repr=False)  # the ruamel CommentedMap, for comment-keeping saves


def _yaml() -> Any:
    from ruamel.yaml import YAML

    from launchdeck.app.yamlbounds import bounded_constructor

    y = YAML(typ="rt")
    y.Constructor = bounded_constructor()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    return y


def _read_text(path: Path, label: str, what: str = "plan file") -> str:
    from launchdeck.app.safeio import MAX_YAML_BYTES, UnreadableFile, read_bounded

    try:
        raw = read_bounded(path, MAX_YAML_BYTES, what)
    except UnreadableFile as exc:
        raise PlanFileError([PlanError(label, None, "", "file not found" if exc.missing else exc.reason)]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM: what Windows editors and PowerShell write
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise PlanFileError([PlanError(label, None, "", "is not valid UTF-16 text (save it as UTF-8)")]) from None
    if b"\x00" in raw[:8192]:
        raise PlanFileError([PlanError(label, None, "", f"is a binary file, not a YAML {what}")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanFileError([PlanError(label, line, "", f"is not UTF-8 text (byte {exc.start}; save it as UTF-8)")])\
            from None


def read_text(path: str | os.PathLike[str], what: str = "plan file") -> str:
    """The file's text, or PlanFileError naming the file (missing, a directory, binary, not UTF-8)."""
    return _read_text(Path(path), str(path), what)


def type_name(value: Any) -> str:
    """How a YAML reader would name a value's type."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return f"text {str(value)[:40]!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return type(value).__name__


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text into ruamel round-trip objects; syntax errors become PlanFileError."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from launchdeck.app.yamlbounds import YamlLimitError, check_flow_depth

    try:
        check_flow_depth(text)
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        raise PlanFileError([_syntax_error(exc, text, label)]) from None
    except YAMLError as exc:
        raise PlanFileError([PlanError(label, None, "", f"YAML error: {exc}")]) from None
    except YamlLimitError as exc:
        raise PlanFileError([PlanError(label, exc.line, key_at_line(text, exc.line, exc.column), exc.problem)])\
            from None
    except RecursionError:
        raise PlanFileError([PlanError(label, None, "", "YAML nests too deeply")]) from None


def _syntax_error(exc: Any, text: str, label: str) -> PlanError:
    problem = str(exc.problem or "").strip()
    mark = exc.problem_mark or exc.context_mark
    # At the end of the file the problem is wherever the construct began (an unclosed [ or ").
    if exc.context_mark and (mark is None or "<stream end>" in problem or "end of stream" in problem):
        mark = exc.context_mark
    last = max(1, len(text.splitlines()))
    line = min(mark.line + 1, last) if mark else None
    if "duplicate key" in problem:
        key = problem.split('"')[1] if '"' in problem else ""
        return PlanError(label, line, _key_path(text, line, key),
                         "duplicate key (each key may appear once in a mapping)")
    context = str(exc.context or "").strip()
    if context and exc.context_mark and line and exc.context_mark.line + 1 != line:
        context += f" that starts on line {exc.context_mark.line + 1}"
    what = f"{problem} ({context})" if context else problem
    return PlanError(label, line, "", f"YAML syntax error: {what}")


def key_at_line(text: str, line: int | None, column: int | None = None) -> str:
    """`services.web.port` for the block-style `key: value` written on `line`, or "" if there is none.
    With the `column` of a value inside a flow mapping (`usage: {requests: 1e99}`), its key is added."""
    lines = text.splitlines()
    if not line or line > len(lines):
        return ""
    import re

    if column is not None:
        inner = re.search(r"([A-Za-z_][\w.-]*)['\"]?\s*:\s*$", lines[line - 1][:column])
        outer = key_at_line(text, line)
        if inner and (not outer or not outer.endswith(inner.group(1))):
            return f"{outer}.{inner.group(1)}" if outer else inner.group(1)
        return outer
    m = re.match(r"\s*(?:-\s+)?([^\s:#'\"{}\[\],][^:#{}\[\],]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)", lines[line - 1])
    return _key_path(text, line, m.group(1).strip("'\"")) if m else ""


def _key_path(text: str, line: int | None, key: str) -> str:
    """`services.web.port` for a block-style key on `line`, from the indentation of the lines above."""
    lines = text.splitlines()
    if not line or line > len(lines):
        return key
    path = [key]
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for above in reversed(lines[: line - 1]):
        stripped = above.lstrip()
        depth = len(above) - len(stripped)
        if stripped and not stripped.startswith("#") and depth < indent and ":" in stripped:
            path.insert(0, stripped.split(":", 1)[0].strip().lstrip("- ").strip("'\""))
            indent = depth
            if depth == 0:
                break
    return ".".join(path)


def load_plan(path: str | os.PathLike[str]) -> LoadedPlan:
    p = Path(path)
    label = str(path)
    text = _read_text(p, label)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise PlanFileError([PlanError(label, 1, "", "file is empty (expected a mapping with name, region, services, ...)")])
    doc = parse_yaml(text, label)
    try:
        plan = plan_from_doc(doc, label)
    except PlanFileError:
        from launchdeck.app.compose.shape import looks_like_compose

        if looks_like_compose(doc):
            raise PlanFileError([PlanError(label, None, "", "is a docker-compose file, not a launchdeck plan "
                                                            f"(turn it into one: launchdeck import {label})")]) from None
        raise
    return LoadedPlan(plan=plan, path=p, doc=doc)


def plan_from_doc(doc: Any, label: str) -> Plan:
    """Validate parsed YAML (plain or ruamel objects) into a Plan, with line-numbered errors."""
    if not isinstance(doc, dict):
        raise PlanFileError([PlanError(label, 1, "", f"expected a mapping at the top level, found {type_name(doc)} "
                                                     "(write name:, region:, services: ...)")])
    try:
        return Plan.model_validate(_plain(doc))
    except ValidationError as exc:
        raise PlanFileError(errors_from_validation(exc, label, lambda p: (".".join(map(str, p)), line_of(doc, p))))\
            from None


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if node is not None and type(node).__name__ in ("ScalarFloat", "ScalarInt", "ScalarBoolean"):
        return float(node) if "Float" in type(node).__name__ else int(node) if "Int" in type(node).__name__ else bool(node)
    if node is not None and type(node).__name__.endswith("ScalarString"):
        return str(node)
    return node


def line_of(doc: Any, path: tuple[str | int, ...]) -> int | None:
    """1-based line of the deepest existing key on `path` in a ruamel document."""
    node, line = doc, None
    for key in path:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and key in node:
            if lc is not None:
                with contextlib.suppress(KeyError, TypeError):
                    line = lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            if lc is not None:
                with contextlib.suppress(KeyError, TypeError):
                    line = lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    if line is None and getattr(doc, "lc", None) is not None:
        line = doc.lc.line + 1
    return line


def _model_at(path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of `path` (for did-you-mean)."""
    import typing

    current: Any = Plan
    pending: Any = None
    for key in path[:-1]:
        if current == "dict-of":
            current = pending
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or key not in fields:
            return None
        ann = fields[key].annotation
        candidates = [ann, *typing.get_args(ann)]
        current = None
        for cand in candidates:
            if typing.get_origin(cand) is dict:
                value = typing.get_args(cand)[1]
                if isinstance(value, type) and issubclass(value, BaseModel):
                    current, pending = "dict-of", value
                    break
            elif isinstance(cand, type) and issubclass(cand, BaseModel):
                current = cand
                break
        if current is None:
            return None
    return current if isinstance(current, type) else None


def _allowed_from_msg(msg: str) -> str:
    # Pydantic: "Input should be 'web', 'websocket', 'worker' or 'job'"
    if msg.startswith("Input should be "):
        body = msg[len("Input should be "):]
        return body.replace("'", "").replace(" or ", ", ")
    return ""


def errors_from_validation(
    exc: ValidationError, label: str, where: Callable[[tuple[str | int, ...]], tuple[str, int | None]]
) -> list[PlanError]:
    """One PlanError per pydantic error; `where(path)` gives the key path to show and its line."""
    out: list[PlanError] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(k for k in err["loc"] if not (isinstance(k, str) and ("[" in k or k.startswith("function-"))))
        problem = err.get("ctx", {}).get("error")
        if isinstance(problem, PlanProblems):
            items = [(loc + tuple(p), m) for p, m in problem.problems]
        else:
            if err["type"] == "finite_number" and loc and isinstance(loc[-1], int):
                loc = loc[:-1]  # one line for a [low, high] range, not one per end
            items = [(loc, _message(err, loc))]
        for path, msg in items:
            shown, line = where(path)
            key = (shown, msg)
            if key in seen:
                continue
            seen.add(key)
            out.append(PlanError(label, line, shown or "(top level)", msg))
    return sorted(out, key=lambda e: e.line or 0)


def _short(value: Any) -> str:
    """A value for an error line: huge numbers and long text cut to a readable length."""
    text = repr(value) if not isinstance(value, int | float) or isinstance(value, bool) else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


def _message(err: dict[str, Any], loc: tuple[str | int, ...]) -> str:
    kind, msg, value = err["type"], err["msg"], err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc)
        names = list(getattr(model, "model_fields", {})) if model else []
        close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(names)}" if names else ""
        return f"unknown key{f' ({hint})' if hint else ''}"
    if kind == "literal_error":
        allowed = _allowed_from_msg(msg)
        return f"{value!r} is not allowed (allowed: {allowed})"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{value!r} is not a whole number"
    if kind in ("float_parsing", "float_type"):
        return f"{value!r} is not a number"
    if kind in ("bool_parsing", "bool_type"):
        return f"{value!r} is not true or false"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, found {type_name(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, found {type_name(value)}"
    if kind == "string_type":
        return f"expected text, found {type_name(value)}"
    if kind == "finite_number":
        return f"{_short(value)} is not allowed (a finite number is needed, not NaN or infinity)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{_short(value)}: {msg[0].lower()}{msg[1:]}"
    if kind == "too_long" or kind == "too_short":
        return "expected [low, high]"
    return msg


# ---------------------------------------------------------------------------------------------
# Saving


def plan_to_data(plan: Plan, full: bool = False) -> dict[str, Any]:
    """The Plan as plain YAML-ready data; defaults left out unless `full`."""
    data = plan.model_dump(mode="json", exclude_defaults=not full, exclude_none=True)
    return _tidy(data, ("",))


def _tidy(value: Any, path: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _tidy(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_tidy(v, path) for v in value]
    if isinstance(value, float):
        if path[-1] == "cpu":
            return format_cpu(value)
        return int(value) if value.is_integer() else value
    return value


def _same(old: Any, new: Any, key: str) -> bool:
    try:
        if key == "cpu":
            return parse_cpu(_plain(old)) == parse_cpu(new)
        if key == "memory":
            return parse_memory_mib(_plain(old)) == parse_memory_mib(new)
    except UnitError:
        return False
    old = _plain(old)
    if isinstance(new, int | float) and isinstance(old, int | float) and not isinstance(old, bool):
        return float(old) == float(new)
    if isinstance(new, int | float) and isinstance(old, list) and len(old) == 0:
        return False
    if isinstance(new, list) and isinstance(old, int | float) and not isinstance(old, bool):
        return all(float(x) == float(old) for x in new)  # a scalar range n means [n, n]
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return all(_same(o, n, key) for o, n in zip(old, new, strict=True))
    return old == new


def _to_node(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _to_node(v)
        return m
    if isinstance(value, list):
        s = CommentedSeq(_to_node(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            s.fa.set_flow_style()
        return s
    return value


def _merge(node: Any, full: dict[str, Any], minimal: dict[str, Any]) -> None:
    """Update ruamel mapping `node` in place so it describes `full`, touching only what changed."""
    for key in list(node.keys()):
        if key not in full:
            del node[key]
    for key, new in full.items():
        if key in node:
            old = node[key]
            if isinstance(new, dict) and isinstance(old, dict):
                _merge(old, new, minimal.get(key, {}) if isinstance(minimal.get(key), dict) else {})
            elif not _same(old, new, key):
                node[key] = _to_node(new)
        elif key in minimal:
            node[key] = _to_node(minimal[key])


def render_plan(plan: Plan, doc: Any = None) -> str:
    """YAML text for the plan; with `doc`, the user's document updated in place."""
    full = plan_to_data(plan, full=True)
    minimal = plan_to_data(plan)
    if doc is None or not isinstance(doc, dict):
        node = _to_node(_ordered_minimal(plan, minimal))
    else:
        node = doc
        _merge(node, full, minimal)
    buf = io.StringIO()
    _yaml().dump(node, buf)
    return buf.getvalue()


def _ordered_minimal(plan: Plan, minimal: dict[str, Any]) -> dict[str, Any]:
    """A fresh document: always state the top-level choices, then the rest."""
    out: dict[str, Any] = {"name": plan.name, "region": plan.region, "target": plan.target}
    if plan.project:
        out["project"] = plan.project
    out.update({k: v for k, v in minimal.items() if k not in out})
    if "services" in out:  # a reader wants each service's role first, even the default `web`
        out["services"] = {name: {"role": svc.role, **minimal["services"].get(name, {})}
                           for name, svc in plan.services.items()}
    return out


def save_plan(plan: Plan, path: str | os.PathLike[str], doc: Any = None, header: str | None = None) -> str:
    """Write the plan atomically, keeping comments of `doc` when given. Returns the text written."""
    text = render_plan(plan, doc)
    if header and doc is None:
        text = "".join(f"# {ln}\n" if ln else "#\n" for ln in header.splitlines()) + text
    atomic_write(Path(path), text)
    return text
