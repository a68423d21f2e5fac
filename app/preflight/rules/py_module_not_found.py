"""A Python import, reachable from the service's entry point, that the image's requirements do not install.

Which distribution provides an import comes from data (app/preflight/distnames.py): pipreqs' mapping,
installed metadata, a project virtualenv. An error needs all of: the entry point is known, the import runs
at module level, data names the distributions that provide it and none of them (nor a loosely matching
name) is declared. An import no data knows is a warning that says so: launchdeck cannot tell.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.distnames import resolve
from launchdeck.app.preflight.facts import join_names
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.pyimports import ALWAYS_PRESENT, ImportSite
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.walk import rel

RULE = Rule(id="py-module-not-found", severity="error", evidence=("code",), signature="py-module-not-found")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.with_source():
        reqs = f.requirements
        if reqs is None or not f.import_sites:
            continue
        declared = reqs.expanded()
        known: dict[str, tuple[ImportSite, frozenset[str]]] = {}
        unknown: dict[str, ImportSite] = {}
        for site in f.import_sites:
            top = site.module.split(".")[0]
            if top in ALWAYS_PRESENT:
                continue
            provided, providers = resolve(site.module, declared, f.directory)
            if provided:
                continue
            label = site.module if top in ("google", "azure") else top
            if providers:
                known.setdefault(label, (site, providers))
            else:
                unknown.setdefault(label, site)
        req_names = ", ".join(rel(p, inp.root) if inp.root else str(p) for p in reqs.files) \
            or "the Dockerfile's pip install line"
        path = f"services.{f.name}.build"
        if known:
            sites = [s for s, _ in known.values()]
            first = min(sites, key=lambda s: (str(s.file), s.line))
            # An error needs the whole install list: with a dependency whose own requirements are unknown,
            # the module may arrive with it (pydantic with langchain), so it is a warning that says so.
            unknown_deps = reqs.unknown_dependencies()
            hard = f.resolved and any(s.module_level for s in sites) and not unknown_deps
            yield render(RULE.id, service=f.name, severity="error" if hard else "warning", path=path,
                         where=f"{rel(first.file, inp.root) if inp.root else first.file}:{first.line}",
                         modules=join_names(set(known)), reqs=req_names,
                         dists=", ".join(sorted(min(p) for _, p in known.values())),
                         maybe=(f" (unless one of {', '.join(unknown_deps[:4])} brings it in)" if unknown_deps and
                                f.resolved else ""))
        if unknown:
            first = min(unknown.values(), key=lambda s: (str(s.file), s.line))
            yield render(RULE.id, variant="unknown", service=f.name, severity="warning", path=path,
                         where=f"{rel(first.file, inp.root) if inp.root else first.file}:{first.line}",
                         modules=join_names(set(unknown)), reqs=req_names)
