"""Which distribution provides an import: maintained data, not a hand-written table.

Three views, merged: pipreqs' import -> distribution mapping (assets/import_mapping.txt), the installed
metadata of this Python environment (`importlib.metadata.packages_distributions()`), and the installed
metadata of a virtualenv inside the project (its *.dist-info/top_level.txt and RECORD) when there is one.
Names are compared in their canonical form (`packaging.utils.canonicalize_name`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from packaging.utils import canonicalize_name

from launchdeck.assets import IMPORT_MAPPING

# Affixes distribution names often add around the import name (python-dateutil, fpdf2, opencv-python-headless).
_AFFIXES = re.compile(r"^(python|py|django|flask)-|-(python|py|binary|headless|sdk|client|api|lib|cpu|gpu)$|\d+$")


NAMESPACES = frozenset({"google", "azure", "zope", "backports", "jaraco"})


def canonical(name: str) -> str:
    return str(canonicalize_name(name))


@lru_cache(maxsize=1)
def _pipreqs() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in IMPORT_MAPPING.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or ":" not in line:
            continue
        module, _, dist = line.partition(":")
        out.setdefault(module.strip(), set()).add(canonical(dist.strip()))
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _installed() -> dict[str, frozenset[str]]:
    from importlib.metadata import packages_distributions

    try:
        found = packages_distributions()
    except Exception:  # noqa: BLE001 - broken metadata in the environment must not stop preflight
        return {}
    return {k: frozenset(canonical(d) for d in v) for k, v in found.items()}


@lru_cache(maxsize=8)
def project_metadata(directory: Path) -> dict[str, frozenset[str]]:
    """import name -> distributions from a virtualenv inside the project (.venv, venv, env)."""
    out: dict[str, set[str]] = {}
    for venv in (".venv", "venv", "env"):
        for info in sorted((directory / venv).glob("lib/python*/site-packages/*.dist-info"))[:2000]:
            dist = canonical(info.name.split("-")[0])
            tops: set[str] = set()
            top_level = info / "top_level.txt"
            if top_level.is_file():
                tops |= {t.strip() for t in top_level.read_text(errors="replace").splitlines() if t.strip()}
            elif (info / "RECORD").is_file():
                for line in (info / "RECORD").read_text(errors="replace").splitlines():
                    first = line.split(",")[0].split("/")[0]
                    if first and not first.endswith((".dist-info", ".data")) and first != "..":
                        tops.add(first.removesuffix(".py"))
            for top in tops:
                out.setdefault(top, set()).add(dist)
    return {k: frozenset(v) for k, v in out.items()}


def providers(module: str, directory: Path | None = None) -> frozenset[str]:
    """Distributions known (from data) to provide `module` (dotted; the longest known prefix wins)."""
    parts = module.split(".")
    views = [_pipreqs(), _installed()] + ([project_metadata(directory)] if directory else [])
    # Namespace packages (google.*, azure.*): the top name says nothing; google.cloud.X is google-cloud-X.
    lowest = 2 if parts[0] in NAMESPACES else 1
    if parts[0] == "google" and len(parts) >= 3 and parts[1] == "cloud":
        return frozenset({canonical(f"google-cloud-{parts[2]}")})  # a naming convention: no data needed
    for n in range(len(parts), lowest - 1, -1):
        key = ".".join(parts[:n])
        found: set[str] = set()
        for view in views:
            found |= view.get(key, frozenset())
        if found:
            return frozenset(found)
    return frozenset()


def loose(name: str) -> str:
    """A distribution or import name without the usual affixes, for `fpdf` ~ `fpdf2`, `dateutil` ~ `python-dateutil`."""
    n = canonical(name)
    for _ in range(3):
        n = _AFFIXES.sub("", n)
    return n.replace("-", "").replace("_", "")


def resolve(module: str, declared: set[str], directory: Path | None = None) -> tuple[bool, frozenset[str]]:
    """(provided, known providers): whether a declared distribution provides `module`, and who could.

    Provided when a known provider is declared, the identity name is declared, or a declared name matches
    loosely (fpdf2 for fpdf). `known providers` is empty when no data knows the module (a guess).
    """
    top = module.split(".")[0]
    known = providers(module, directory)
    if top in NAMESPACES:
        two = canonical("-".join(module.split(".")[:3]))
        flat = two.replace("-", "")  # google.cloud.secretmanager is google-cloud-secret-manager
        if known & declared or any(d == two or d.startswith(two + "-") or d.replace("-", "") == flat
                                   or (two.startswith(d) and d.count("-") >= 2) for d in declared):
            return True, known
        return False, known
    if known & declared or canonical(top) in declared or canonical(module.replace(".", "-")) in declared:
        return True, known
    wanted = loose(top)
    if wanted and any(loose(d) == wanted or (len(wanted) > 3 and canonical(d).startswith(canonical(top)))
                      for d in declared):
        return True, known
    return False, known
