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

from functools import cache
from typing import Any

# A large real compose file expands to a few thousand nodes; 200k is far above any real document
# and still walks in well under a second.
MAX_NODES = 200_000
MAX_DEPTH = 100
MAX_INT_DIGITS = 100


class YamlLimitError(Exception):
    """A document past a limit; `line` is 1-based (or None), str() says what is wrong."""

    def __init__(self, problem: str, line: int | None):
        super().__init__(problem)
        self.problem = problem
        self.line = line


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
    open_nodes: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > max_nodes:
                raise YamlLimitError(
                    f"aliases here expand to more than {max_nodes:,} values (an alias bomb?); "
                    "launchdeck does not expand documents this large", _line(node))
            size[key] = total
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise YamlLimitError("an alias refers to a mapping or list that contains it (a loop)", _line(node))
        if depth > max_depth:
            raise YamlLimitError(f"nested more than {max_depth} levels deep", _line(node))
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in _children(node):
            if id(child) not in size:
                stack.append((child, depth + 1, False))


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
                                     "(quote it if it is meant as text)", _line(node))
            return super().construct_yaml_int(node)

    # add_constructor on the subclass would copy the table; overriding the methods is enough, but
    # the table maps the int tag to the parent's function, so point it at ours.
    BoundedConstructor.add_constructor("tag:yaml.org,2002:int", BoundedConstructor.construct_yaml_int)
    return BoundedConstructor
