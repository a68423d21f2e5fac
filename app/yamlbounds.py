"""Limits on what a YAML document may expand to, checked before anything is built from it.

A 429-byte document can name an anchor that names nine aliases of an anchor that names nine more
(the "billion laughs"): the parser shares one node per anchor, but anything that walks the result
as a tree (validation, copying, printing) meets every alias expanded, 9**9 leaves. So the
document's node graph is measured first, each node once, as the size it would have with every
alias expanded; past `MAX_NODES` (or `MAX_DEPTH` levels, or an alias that contains itself) the
document is refused with the line where the growth happens.

Integers are bounded too: Python refuses to turn more than 4300 digits into an int, and no
setting needs more than a few dozen.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# A large real compose file expands to a few thousand nodes; 200k is far above any real document
# and still walks in well under a second.
MAX_NODES = 200_000
MAX_DEPTH = 100
MAX_INT_DIGITS = 100


class YamlLimitError(Exception):
    """A document past a limit; `line` is 1-based (or None), str() says what is wrong."""

    def __init__(self, problem: str, line: int | None, column: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.column = column  # 0-based, where the offending value starts (for flow-style keys)


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _children(node: Any) -> list[Any]:
    value = node.value
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, tuple):  # a mapping's (key node, value node)
                out.extend(item)
            else:
                out.append(item)
        return out
    return []


def check_expansion(root: Any, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    """Raise YamlLimitError when the composed node graph, aliases expanded, is too big, deep or cyclic.

    Iterative post-order walk with the expanded size of each node memoised by identity, so an
    anchor used a million times costs one visit. The first node whose size passes the bound is
    the innermost one that does, which is where the alias fan-out is written.
    """
    if root is None:
        return
    size: dict[int, int] = {}
    aliased = False
    open_nodes: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > max_nodes:
                if aliased:
                    raise YamlLimitError(
                        f"aliases here expand to more than {max_nodes:,} values (an alias bomb?); "
                        "launchdeck does not expand documents this large", _line(node))
                raise YamlLimitError(f"holds more than {max_nodes:,} values; no plan or compose file is this "
                                     "large (launchdeck does not read documents this large)", _line(node))
            size[key] = total
            continue
        if key in size:
            aliased = True  # a node met a second time: an alias
            continue
        if key in open_nodes:
            raise YamlLimitError("an alias refers to a mapping or list that contains it (a loop)", _line(node))
        if depth > max_depth:
            raise YamlLimitError(f"nested more than {max_depth} levels deep", _line(node))
        if isinstance(node.value, str) and "\x00" in node.value:
            # No file name, command or setting can hold one; os calls would fail on it later.
            raise YamlLimitError("a value holds a NUL character (\\0), which no setting can use", _line(node))
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in _children(node):
            if id(child) not in size:
                stack.append((child, depth + 1, False))
            else:
                aliased = True


_EVENTS = re.compile(r"[\[\]{}'\"#\n]")


def check_flow_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise YamlLimitError when `[`/`{` nest deeper than `max_depth`, before the parser sees them.

    ruamel's scanner slows down quadratically with flow nesting (20,000 brackets take seconds), so
    depth is measured first by a linear pass over the brackets, quotes, comments and newlines,
    with YAML's rules for where a quoted scalar or a comment may start. A file with few brackets
    is not scanned at all.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth, line, pos, n = 0, 1, 0, len(text)
    while pos < n:
        m = _EVENTS.search(text, pos)
        if m is None:
            return
        ch, at = m.group(), m.start()
        pos = at + 1
        if ch == "\n":
            line += 1
        elif ch in "[{":
            # Outside flow, `[` opens a sequence only where a value starts (`cmd: echo [x` is text).
            if depth == 0 and _before(text, at) not in ("", "\n", ":", "-", "?"):
                continue
            depth += 1
            if depth > max_depth:
                raise YamlLimitError(f"brackets nest more than {max_depth} levels deep", line)
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "#":
            if at == 0 or text[at - 1] in " \t\n":
                end = text.find("\n", at)
                pos = n if end < 0 else end
        else:  # a quote opens a quoted scalar only where a scalar may start
            if _before(text, at) not in ("", "\n", ":", "[", "{", ",", "-", "?"):
                continue
            pos = _end_of_quoted(text, at, ch)
            line += text.count("\n", at, pos)


def _before(text: str, at: int) -> str:
    """The last character before `at` that is not a space or tab ("" at the start)."""
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else ""


def _end_of_quoted(text: str, start: int, quote: str) -> int:
    """Index just past the quoted scalar opening at `start` ('' escapes in single, \\ in double quotes)."""
    i = start + 1
    while True:
        j = text.find(quote, i)
        if j < 0:
            return len(text)
        if quote == "'" and text.startswith("''", j):
            i = j + 2
            continue
        if quote == '"':
            slashes = len(text[i:j]) - len(text[i:j].rstrip("\\"))
            if slashes % 2:
                i = j + 1
                continue
        return j + 1


@cache
def bounded_constructor() -> type:
    """A ruamel round-trip constructor that checks the limits above before building a document."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class BoundedConstructor(RoundTripConstructor):  # type: ignore[misc]
        def construct_document(self, node: Any) -> Any:
            check_expansion(node)
            return super().construct_document(node)

        def construct_yaml_int(self, node: Any) -> Any:
            digits = sum(ch.isdigit() for ch in str(node.value))
            if digits > MAX_INT_DIGITS:
                raise YamlLimitError(f"a number with {digits:,} digits is far too large for any setting "
                                     "(quote it if it is meant as text)", _line(node), node.start_mark.column)
            return super().construct_yaml_int(node)

    # add_constructor on the subclass would copy the table; overriding the methods is enough, but
    # the table maps the int tag to the parent's function, so point it at ours.
    BoundedConstructor.add_constructor("tag:yaml.org,2002:int", BoundedConstructor.construct_yaml_int)
    return BoundedConstructor
