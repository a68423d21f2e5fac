"""A service's build context: its directory and parsed Dockerfile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from launchdeck.app.plan import Plan, Service
from launchdeck.app.preflight.dockerfile import Dockerfile, parse_dockerfile


@dataclass
class Context:
    name: str
    service: Service
    directory: Path
    dockerfile: Dockerfile | None


def service_contexts(plan: Plan, root: Path) -> list[Context]:
    out = []
    for name, svc in plan.services.items():
        build = svc.build
        if build is None:
            continue
        ctx_rel = build if isinstance(build, str) else str(build.get("context", "."))
        directory = (root / ctx_rel).resolve()
        if not directory.is_dir():
            continue
        df_name = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        df_path = directory / str(df_name)
        out.append(Context(name, svc, directory, parse_dockerfile(df_path) if df_path.is_file() else None))
    return out
