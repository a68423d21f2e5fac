"""A tiny HCL emitter whose output is already `terraform fmt`-clean.

Build `Block`s whose bodies are lists of `(name, value)` attributes and nested `Block`s, then
`render(blocks)`. Values: str (quoted, template sequences escaped), bool, int, float, `Raw`
(an expression written verbatim), list and dict. A `None` value drops the attribute, which
keeps optional settings one line each in the generators. Alignment follows `terraform fmt`:
consecutive single-line attributes line up their `=`; a multi-line value ends the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INDENT = "  "


class Raw(str):
    """An HCL expression written as-is (references, function calls)."""


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Any] = field(default_factory=list)
    comment: str | None = None  # one or more `#` lines above the block


def block(type_: str, *labels: str, body: list[Any] | None = None, comment: str | None = None) -> Block:
    return Block(type_, tuple(labels), [item for item in (body or []) if item is not None], comment)


def quote(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + out.replace("${", "$${").replace("%{", "%%{") + '"'


def _key(name: str) -> str:
    return name if _IDENT.fullmatch(name) else quote(name)


def _scalar(value: Any) -> str | None:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return quote(value)
    return None


def _value(value: Any, depth: int) -> list[str]:
    """Lines of a value; the first line continues after `name = `."""
    simple = _scalar(value)
    if simple is not None:
        return [simple]
    pad = _INDENT * (depth + 1)
    if isinstance(value, list | tuple):
        parts = [_scalar(v) for v in value]
        if all(p is not None for p in parts):
            one = "[" + ", ".join(parts) + "]"  # type: ignore[arg-type]
            if len(one) + len(pad) < 100:
                return [one]
        lines = ["["]
        for item in value:
            sub = _value(item, depth + 1)
            lines += [pad + sub[0]] + sub[1:-1] + ([sub[-1] + ","] if len(sub) > 1 else [])
            if len(sub) == 1:
                lines[-1] += ","
        return lines + [_INDENT * depth + "]"]
    if isinstance(value, dict):
        if not value:
            return ["{}"]
        pairs = [(_key(str(k)), _value(v, depth + 1)) for k, v in value.items()]
        return ["{"] + _aligned(pairs, pad) + [_INDENT * depth + "}"]
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


def _aligned(pairs: list[tuple[str, list[str]]], pad: str) -> list[str]:
    """`name = value` lines, `=` aligned across runs of single-line values."""
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}" for k, v in run)
        run.clear()

    for key, lines in pairs:
        if len(lines) == 1:
            run.append((key, lines[0]))
            continue
        flush()
        out.append(f"{pad}{key} = {lines[0]}")
        out.extend(lines[1:])
    flush()
    return out


def _block(b: Block, depth: int) -> list[str]:
    pad = _INDENT * depth
    lines = [f"{pad}# {c}".rstrip() for c in (b.comment.splitlines() if b.comment else [])]
    head = " ".join([b.type, *(quote(label) for label in b.labels)])
    body = [item for item in b.body if item is not None and not (isinstance(item, tuple) and item[1] is None)]
    if not body:
        return lines + [f"{pad}{head} {{}}"]
    lines.append(f"{pad}{head} {{")
    attrs: list[tuple[str, list[str]]] = []
    for item in body:
        if isinstance(item, Block):
            if attrs:
                lines += _aligned(attrs, pad + _INDENT)
                attrs = []
            lines += _block(item, depth + 1)
        else:
            name, value = item
            attrs.append((_key(name), _value(value, depth + 1)))
    lines += _aligned(attrs, pad + _INDENT)
    lines.append(f"{pad}}}")
    return lines


def render(blocks: list[Block | None], header: str | None = None) -> str:
    """A whole .tf file: blocks separated by one blank line, ending in a newline."""
    chunks = ["\n".join(_block(b, 0)) for b in blocks if b is not None]
    top = "".join(f"# {ln}".rstrip() + "\n" for ln in header.splitlines()) + "\n" if header else ""
    return top + "\n\n".join(chunks) + "\n"
