"""Any YAML that parses gives either a plan or line-numbered errors: never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from launchdeck.app.compose import import_doc
from launchdeck.app.planfile import PlanFileError, parse_yaml, plan_from_doc, render_plan

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.text(max_size=10),
    st.sampled_from(["8000:8000", "postgres:16", "redis:7", "minio/minio", "celery -A x worker", "${A:-b}",
                     "127.0.0.1:80:80/udp", "1g", "0.5", "http://localhost:80/x", "web", "1Gi", "500m"]),
)
_COMPOSE_KEYS = st.sampled_from([
    "build", "image", "command", "entrypoint", "ports", "expose", "environment", "env_file", "depends_on",
    "deploy", "healthcheck", "profiles", "labels", "restart", "x-launchdeck", "volumes", "cpus", "mem_limit",
    "secrets", "target", "published", "resources", "limits", "memory", "test", "condition", "context", "role",
])
_PLAN_KEYS = st.sampled_from([
    "name", "region", "target", "services", "web", "role", "cpu", "memory", "port", "usage", "requests_per_month",
    "env", "secrets", "postgres", "tier", "buckets", "uploads", "depends_on", "min_instances", "max_instances",
    "concurrency", "timeout", "billing", "ingress", "network", "vpc", "selfhost", "unmapped",
])


def _tree(keys: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    return st.recursive(_SCALARS, lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(keys, c, max_size=4)),
                        max_leaves=12)


_SERVICES = st.dictionaries(st.sampled_from(["web", "db", "worker", "Api_1", "cache"]),
                            st.dictionaries(_COMPOSE_KEYS, _tree(_COMPOSE_KEYS), max_size=6), max_size=4)
_COMPOSE = st.fixed_dictionaries({"services": _SERVICES},
                                 optional={"name": _SCALARS, "x-launchdeck": _tree(_PLAN_KEYS)})


def _as_yaml(data: object) -> str | None:
    buf = io.StringIO()
    try:
        YAML().dump(data, buf)
    except Exception:  # a shape ruamel cannot write; not the importer's problem
        return None
    return buf.getvalue()


@settings(max_examples=120, suppress_health_check=list(HealthCheck), deadline=None)
@given(_COMPOSE)
def test_compose_import_never_crashes(data: dict[str, object]) -> None:
    text = _as_yaml(data)
    if text is None:
        return
    try:
        result = import_doc(parse_yaml(text, "c.yml"), "c.yml", Path("/nonexistent"))
    except PlanFileError as exc:
        assert exc.errors and all(str(e).startswith("c.yml") for e in exc.errors)
        return
    render_plan(result.plan)
    assert len(result.rows) == len(data["services"])  # type: ignore[arg-type]


@settings(max_examples=120, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.dictionaries(_PLAN_KEYS, _tree(_PLAN_KEYS), max_size=5))
def test_plan_loading_never_crashes(data: dict[str, object]) -> None:
    text = _as_yaml(data)
    if text is None:
        return
    try:
        doc = parse_yaml(text, "p.yaml")
        plan = plan_from_doc(doc, "p.yaml")
    except PlanFileError as exc:
        assert exc.errors and all(str(e).startswith("p.yaml") for e in exc.errors)
        return
    assert plan_from_doc(parse_yaml(render_plan(plan, doc), "again.yaml"), "again.yaml") == plan
