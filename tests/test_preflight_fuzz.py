"""Property tests: any valid plan and any file content give sorted findings, never an exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from launchdeck.app.plan import TARGETS, Plan
from launchdeck.app.preflight import SEVERITY_ORDER, run_preflight

COMMANDS = st.sampled_from([
    None, "celery -A app worker", "uvicorn app:app", "rq worker --url redis://u:sk_live_abcdefghijklmnopqr@h", "gunicorn -b :$PORT app:app", "rq worker",
    "sh -c 'alembic upgrade head && uvicorn app:app --host 0.0.0.0 --port 8000'", "python main.py",
    "next start -p 3000", "node server.js", "flask run",
])
ENV = st.dictionaries(
    st.sampled_from(["DATABASE_URL", "REDIS_URL", "GCS_BUCKET", "API_URL", "SECRET_KEY", "CORS", "LOG_LEVEL"]),
    st.sampled_from(["", "postgresql://localhost/x", "redis://redis:6379", "uploads", "http://minio:9000",
                     "a,b", "sk_live_abcdefghijklmnopqr", "info", "projects/p/secrets/s"]),
    max_size=4,
)
SERVICE = st.fixed_dictionaries({
    "role": st.sampled_from(["web", "websocket", "worker", "job"]),
    "cpu": st.sampled_from([0.5, 1, 2, 4, 3]),
    "memory": st.sampled_from(["256Mi", "512Mi", "1Gi", "2Gi", "4Gi", "16Gi"]),
    "min_instances": st.integers(0, 2), "max_instances": st.integers(2, 50),
    "concurrency": st.sampled_from([1, 80, 1000]), "timeout": st.sampled_from([30, 300, 3600]),
    "billing": st.sampled_from(["request", "instance"]),
    "heavy_deps": st.lists(st.sampled_from(["torch", "spacy", "pandas", "unknown-lib"]), max_size=2),
    "port": st.one_of(st.none(), st.sampled_from([80, 3000, 8000, 8080])),
    "env": ENV, "image": st.sampled_from(["nginx", None]),
}).map(lambda d: {k: v for k, v in d.items() if v is not None})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(services=st.dictionaries(st.sampled_from(["api", "web", "worker", "ws", "job"]), SERVICE, min_size=1,
                                max_size=4),
       target=st.sampled_from(TARGETS), command=COMMANDS,
       tier=st.sampled_from(["db-f1-micro", "db-custom-2-7680", "weird"]), vpc=st.sampled_from(["none", "direct"]),
       upload=st.one_of(st.none(), st.integers(1, 500)))
def test_any_plan_gives_sorted_findings(services, target, command, tier, vpc, upload):
    if command:
        next(iter(services.values()))["command"] = command
    try:
        plan = Plan.model_validate({"name": "fuzz", "target": "gke-standard", "services": services,
                                    "postgres": {"tier": tier}, "redis": {}, "buckets": {"uploads": {}},
                                    "network": {"vpc": vpc}, "ingress": {"max_upload_mb": upload}})
    except ValidationError:
        assume(False)
        return
    found = run_preflight(plan, target)
    ranks = [SEVERITY_ORDER[f.severity] for f in found]
    assert ranks == sorted(ranks)
    assert len({(f.id, f.service, f.message, f.path) for f in found}) == len(found)
    for f in found:
        assert f.message and f.fix and "{" not in f.message
        assert "sk_live_abcdefghijklmnopqr" not in f.message


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfile=TEXT, py=TEXT, js=TEXT, script=TEXT, compose=TEXT,
       prefix=st.sampled_from(["", "FROM python\nCMD ", "import os\nos.environ[", "{\"x\": ", "services:\n  db:\n"]))
def test_any_file_content_never_raises(dockerfile, py, js, script, compose, prefix):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "api").mkdir()
        (root / "api/Dockerfile").write_text(prefix + dockerfile)
        (root / "api/main.py").write_text(prefix + py)
        (root / "api/package.json").write_text(prefix + js)
        (root / "api/server.js").write_text(js)
        (root / "api/requirements.txt").write_text(py)
        (root / "deploy.sh").write_text(prefix + script)
        (root / "docker-compose.yml").write_text(prefix + compose)
        plan = Plan.model_validate({"name": "fuzz", "services": {"api": {"build": "./api", "port": 8080}}})
        found = run_preflight(plan, None, root)
        assert all(f.severity in SEVERITY_ORDER for f in found)
