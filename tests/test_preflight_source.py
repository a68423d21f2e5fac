"""Source-tree preflight checks: for each, a minimal tree that triggers it and one that does not."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from launchdeck.app.preflight import Finding, run_preflight
from launchdeck.app.preflight.dockerfile import parse_dockerfile
from launchdeck.app.preflight.envscan import js_reads, merge, python_reads
from tests.helpers import ids, only, plan


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


API = {"role": "web", "build": "./api", "port": 8080}
GOOD_DOCKERFILE = """
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    COPY . .
    USER 1000
    CMD gunicorn -b 0.0.0.0:$PORT main:app
"""
FLASK_APP = textwrap.dedent("""
    from flask import Flask
    app = Flask(__name__)
""")


def api_tree(tmp_path: Path, dockerfile: str = GOOD_DOCKERFILE, **files: str) -> Path:
    base = {"api/Dockerfile": dockerfile, "api/requirements.txt": "flask\ngunicorn\n", "api/main.py": FLASK_APP}
    base.update({k.replace("__", "/"): v for k, v in files.items()})
    return tree(tmp_path, base)


def check(tmp_path: Path, services: dict | None = None, target: str = "cloud-run", **extra) -> list[Finding]:
    return run_preflight(plan(services or {"api": API}, target, **extra), target, tmp_path)


def test_good_tree_has_no_findings(tmp_path):
    assert check(api_tree(tmp_path)) == []


# --- Dockerfile: architecture -------------------------------------------------------------------------


def test_from_platform_arm64(tmp_path):
    api_tree(tmp_path, "FROM --platform=linux/arm64 python:3.12-slim\nCMD gunicorn -b :$PORT main:app\n")
    f = only(check(tmp_path), "cr-exec-format-error")
    assert f and f[0].severity == "error" and "api/Dockerfile:1" in f[0].message


def test_arm64v8_base_image(tmp_path):
    api_tree(tmp_path, "FROM arm64v8/python:3.12\nCMD gunicorn -b :$PORT main:app\n")
    assert "cr-exec-format-error" in ids(check(tmp_path))


def test_buildplatform_in_final_stage(tmp_path):
    api_tree(tmp_path, "FROM --platform=$BUILDPLATFORM python:3.12\nCMD gunicorn -b :$PORT main:app\n")
    assert "cr-exec-format-error" in ids(check(tmp_path))


def test_buildplatform_builder_must_use_targetarch(tmp_path):
    bad = """
        FROM --platform=$BUILDPLATFORM golang:1.22 AS build
        RUN go build -o /srv ./cmd/server
        FROM gcr.io/distroless/static
        COPY --from=build /srv /srv
        CMD ["/srv"]
    """
    api_tree(tmp_path, textwrap.dedent(bad))
    f = only(check(tmp_path, {"api": {**API, "role": "worker", "billing": "instance", "min_instances": 1}}),
             "cr-exec-format-error")
    assert f and f[0].severity == "warning"
    good = bad.replace("RUN go build", "ARG TARGETARCH\n        RUN GOARCH=$TARGETARCH go build")
    api_tree(tmp_path, textwrap.dedent(good))
    assert "cr-exec-format-error" not in ids(check(tmp_path))


# --- Dockerfile: user, bind, next.js --------------------------------------------------------------


def test_user_root_on_cloud_run(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("USER 1000", "USER root"))
    assert only(check(tmp_path), "cr-user-root-not-found")[0].severity == "warning"
    assert only(check(tmp_path, target="gke-autopilot"), "cr-user-root-not-found")[0].severity == "info"
    api_tree(tmp_path)
    assert "cr-user-root-not-found" not in ids(check(tmp_path))


def test_cmd_binding_localhost(tmp_path):
    df = GOOD_DOCKERFILE.replace("-b 0.0.0.0:$PORT", "-b 127.0.0.1:$PORT")
    api_tree(tmp_path, df)
    f = only(check(tmp_path), "node-bound-to-localhost")
    assert f and "api/Dockerfile:7" in f[0].message


def test_healthcheck_on_localhost_is_not_a_bind(tmp_path):
    df = GOOD_DOCKERFILE + '    HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\n'
    api_tree(tmp_path, df)
    assert "node-bound-to-localhost" not in ids(check(tmp_path))


def test_cmd_hard_coded_port_differs(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("-b 0.0.0.0:$PORT", "-b 0.0.0.0:5000"))
    f = only(check(tmp_path), "cr-container-failed-to-listen-on-port")
    assert f and "5000" in f[0].message and "8080" in f[0].message


def test_flask_app_run_defaults_to_localhost(tmp_path):
    main = FLASK_APP + "\nif __name__ == '__main__':\n    app.run(port=8080)\n"
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("gunicorn -b 0.0.0.0:$PORT main:app", "python main.py"),
             api__main_py=main)
    (tmp_path / "api/main_py").rename(tmp_path / "api/main.py")
    assert "node-bound-to-localhost" in ids(check(tmp_path))
    (tmp_path / "api/main.py").write_text(main.replace("port=8080", "host='0.0.0.0', port=8080"))
    assert "node-bound-to-localhost" not in ids(check(tmp_path))


NEXT_DOCKERFILE = """
    FROM node:20-alpine
    WORKDIR /app
    COPY .next/standalone ./
    USER node
    CMD ["node", "server.js"]
"""


def test_nextjs_standalone_without_hostname(tmp_path):
    tree(tmp_path, {"web/Dockerfile": NEXT_DOCKERFILE, "web/package.json": '{"dependencies": {"next": "14"}}',
                    "web/next.config.js": "module.exports = { output: 'standalone' }\n"})
    svc = {"web": {"role": "web", "build": "./web", "port": 3000}}
    f = only(check(tmp_path, svc), "node-bound-to-localhost")
    assert f and f[0].severity == "warning" and "HOSTNAME" in f[0].fix
    (tmp_path / "web/Dockerfile").write_text(textwrap.dedent(NEXT_DOCKERFILE).replace(
        "USER node", "ENV HOSTNAME=0.0.0.0\nUSER node"))
    assert "node-bound-to-localhost" not in ids(check(tmp_path, svc))


# --- start-up work --------------------------------------------------------------------------------


def test_entrypoint_script_runs_migrations(tmp_path):
    df = GOOD_DOCKERFILE.replace("CMD gunicorn -b 0.0.0.0:$PORT main:app", 'ENTRYPOINT ["/app/entrypoint.sh"]\n'
                                 '    CMD ["gunicorn", "-b", "0.0.0.0:8080", "main:app"]')
    api_tree(tmp_path, df, api__entrypoint_sh="#!/bin/sh\nflask db upgrade\nexec \"$@\"\n")
    (tmp_path / "api/entrypoint_sh").rename(tmp_path / "api/entrypoint.sh")
    f = only(check(tmp_path), "cr-startup-probe-failed")
    assert f and "entrypoint.sh:2" in f[0].message


def test_entrypoint_script_without_work(tmp_path):
    df = GOOD_DOCKERFILE.replace("CMD gunicorn -b 0.0.0.0:$PORT main:app", 'ENTRYPOINT ["/app/entrypoint.sh"]\n'
                                 '    CMD ["gunicorn", "-b", "0.0.0.0:8080", "main:app"]')
    api_tree(tmp_path, df)
    (tmp_path / "api/entrypoint.sh").write_text("#!/bin/sh\nset -e\nexec \"$@\"\n")
    assert "cr-startup-probe-failed" not in ids(check(tmp_path))


def test_model_download_in_start_command(tmp_path):
    df = GOOD_DOCKERFILE.replace("CMD gunicorn", "CMD huggingface-cli download org/model && gunicorn")
    api_tree(tmp_path, df)
    f = only(check(tmp_path), "cr-startup-probe-failed")
    assert f and "model download" in f[0].message


def test_model_loaded_at_import_time(tmp_path):
    main = FLASK_APP + "from transformers import pipeline\nclassifier = pipeline('sentiment-analysis')\n"
    api_tree(tmp_path)
    (tmp_path / "api/main.py").write_text(textwrap.dedent(main))
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\ntransformers\ntorch\n")
    assert "hf-hub-download-at-startup" in ids(check(tmp_path))
    lazy = FLASK_APP + "from transformers import pipeline\n\ndef model():\n    return pipeline('x')\n"
    (tmp_path / "api/main.py").write_text(textwrap.dedent(lazy))
    assert "hf-hub-download-at-startup" not in ids(check(tmp_path))


# --- env names the code reads ---------------------------------------------------------------------


CONFIG_READS_URL = """
    import os
    DATABASE_URL = os.environ["DATABASE_URL"]
"""


def test_database_url_read_but_plan_sets_parts(tmp_path):
    api_tree(tmp_path, api__config_py=CONFIG_READS_URL)
    (tmp_path / "api/config_py").rename(tmp_path / "api/config.py")
    (tmp_path / "api/main.py").write_text(textwrap.dedent(FLASK_APP) + "import config\n")
    svc = {**API, "env": {"DATABASE_HOST": "10.0.0.3", "DATABASE_NAME": "app"}, "secrets": ["DATABASE_PASSWORD"]}
    found = check(tmp_path, {"api": svc})
    db = only(found, "db-dial-localhost-fallback")
    assert db and db[0].severity == "error" and "DATABASE_HOST" in db[0].message and "api/config.py:2" in db[0].message
    assert only(found, "gcloud-env-vars-wiped")[0].severity == "error"
    svc["secrets"] = ["DATABASE_URL"]
    assert not ids(check(tmp_path, {"api": svc})) & {"db-dial-localhost-fallback", "gcloud-env-vars-wiped"}


def test_read_with_default_is_only_a_warning(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/main.py").write_text(textwrap.dedent(FLASK_APP) + textwrap.dedent("""
        import os
        DB = os.getenv("DATABASE_URL", "postgresql://localhost/app")
        LEVEL = os.environ.get("LOG_LEVEL", "info")
    """))
    found = check(tmp_path, postgres={"tier": "db-custom-1-3840"})
    assert only(found, "db-dial-localhost-fallback")[0].severity == "warning"
    wiped = only(found, "gcloud-env-vars-wiped")
    assert wiped and {f.severity for f in wiped} == {"info"} and "LOG_LEVEL" in wiped[0].message
    assert not [f for f in found if f.severity == "error"]


def test_dockerfile_env_counts_as_set(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("USER 1000", "ENV FEATURE_FLAGS=none\n    USER 1000"))
    (tmp_path / "api/main.py").write_text(textwrap.dedent(FLASK_APP) + "import os\nF = os.environ['FEATURE_FLAGS']\n")
    assert "gcloud-env-vars-wiped" not in ids(check(tmp_path))


def test_pydantic_settings_with_prefix_and_alias(tmp_path):
    src = tree(tmp_path, {"s.py": """
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Base(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_")
            secret: str
            debug: bool = False
            dsn: str = Field(..., alias="SENTRY_DSN")
            region: str | None = None

        class Settings(Base):
            redis_url: str
    """})
    reads = merge(python_reads([src / "s.py"])[0])
    got = {k: r.kind for k, r in reads.items()}
    # `region: str | None = None` has a default (None): the author made it optional, it is not missing.
    assert got == {"APP_SECRET": "required", "APP_DEBUG": "default", "SENTRY_DSN": "required",
                   "APP_REGION": "default", "REDIS_URL": "required"}


def test_python_env_read_forms(tmp_path):
    src = tree(tmp_path, {"m.py": """
        import os
        from os import environ, getenv
        import environ as envlib
        env = envlib.Env()
        a = os.environ["A"]
        b = os.environ.get("B")
        c = os.getenv("C", "x")
        d = getenv("D")
        e = environ["E"]
        f = env("F")
        g = env.int("G", default=3)
        os.environ["H"] = "set"
        os.environ.setdefault("I", "1")
    """})
    reads, sets = python_reads([src / "m.py"])
    got = {k: r.kind for k, r in merge(reads).items()}
    assert got == {"A": "required", "B": "optional", "C": "default", "D": "optional", "E": "required",
                   "F": "required", "G": "default"}
    assert sets == {"H", "I"}


def test_node_env_read_forms(tmp_path):
    src = tree(tmp_path, {"s.js": """
        const url = process.env.API_URL;
        const key = process.env["STRIPE_KEY"] || "";
        const { REDIS_URL, REGION = "eu", PORT } = process.env;
        process.env.SET_HERE = "1";
        if (process.env.NODE_ENV === "production") {}
        const v = import.meta.env.VITE_TITLE ?? "t";
    """})
    got = {k: r.kind for k, r in merge(js_reads([src / "s.js"])).items()}
    assert got == {"API_URL": "optional", "STRIPE_KEY": "default", "REDIS_URL": "optional", "REGION": "default",
                   "VITE_TITLE": "default"}


def test_node_service_missing_env_is_warning(tmp_path):
    tree(tmp_path, {"web/Dockerfile": "FROM node:20\nUSER node\nCMD node server.js\n",
                    "web/package.json": "{}",
                    "web/server.js": "require('http').createServer().listen(process.env.PORT);\n"
                                     "const api = process.env.BACKEND_URL;\n"})
    found = check(tmp_path, {"web": {"role": "web", "build": "./web", "port": 8080}})
    f = only(found, "gcloud-env-vars-wiped")
    assert f and f[0].severity == "warning" and "BACKEND_URL" in f[0].message


# --- imports vs requirements ---------------------------------------------------------------------


WORKER_CODE = """
    import json
    import soundfile
    import torch
    from celery import Celery
    from cv2 import imread

    from tasks import helpers
    app = Celery("w")
"""


def worker_tree(tmp_path: Path, requirements: str) -> Path:
    return tree(tmp_path, {
        "w/Dockerfile": "FROM python:3.12-slim\nCOPY requirements-worker.txt .\n"
                        "RUN pip install -r requirements-worker.txt\nCOPY . .\nUSER 1000\n",
        "w/requirements-worker.txt": requirements,
        "w/requirements.txt": "torch\nsoundfile\n",
        "w/worker.py": WORKER_CODE,
        "w/tasks/__init__.py": "",
        "w/tasks/helpers.py": "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n",
    })


WORKER = {"role": "worker", "build": "./w", "command": "celery -A worker worker"}


def test_worker_imports_missing_from_its_requirements(tmp_path):
    worker_tree(tmp_path, "celery[redis]\nopencv-python-headless\n")
    (tmp_path / "w/worker.py").write_text(textwrap.dedent(WORKER_CODE) + "import yaml\n")
    f = only(check(tmp_path, {"w": WORKER}, "cloud-run-jobs"), "py-module-not-found")
    # yaml is known (data says pyyaml provides it): an error. torch and soundfile no data knows: a warning
    # that says launchdeck cannot tell, never an error.
    known = [x for x in f if x.severity == "error"]
    guessed = [x for x in f if x.severity == "warning"]
    assert known and "yaml" in known[0].message and "pyyaml" in known[0].fix
    assert "requirements-worker.txt" in known[0].message
    assert guessed and "soundfile, torch" in guessed[0].message and "guess" in guessed[0].message
    for x in f:
        assert "cv2" not in x.message and "ujson" not in x.message and "tasks" not in x.message


def test_import_provided_under_another_distribution_name_is_not_missing(tmp_path):
    # `import fpdf` is provided by fpdf2; `import jwt` by PyJWT; `dateutil` by python-dateutil.
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\nfpdf2==2.7\nPyJWT\npython-dateutil\nmysqlclient\n")
    (tmp_path / "api/main.py").write_text(FLASK_APP + "import fpdf\nimport jwt\nimport dateutil\nimport MySQLdb\n")
    assert "py-module-not-found" not in ids(check(tmp_path))
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\nPyJWT\npython-dateutil\nmysqlclient\n")
    f = only(check(tmp_path), "py-module-not-found")
    assert f and f[0].severity == "error" and "fpdf" in f[0].message  # data knows fpdf2/fpdf provide it


def test_requirement_lines_parsed_with_markers_and_extras(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text('flask ; python_version >= "3.8"\n'
                                                  "gunicorn[gevent]>=21 --hash=sha256:ab\nPyYAML==6.0.1\n")
    (tmp_path / "api/main.py").write_text(FLASK_APP + "import yaml\nimport gunicorn\n")
    assert "py-module-not-found" not in ids(check(tmp_path))


def test_worker_imports_all_installed(tmp_path):
    worker_tree(tmp_path, "celery==5.4\n--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.4\n"
                          "SoundFile>=0.12\nopencv-python-headless\n")
    assert "py-module-not-found" not in ids(check(tmp_path, {"w": WORKER}, "cloud-run-jobs"))


def test_imports_checked_against_pyproject_and_lockfile(tmp_path):
    tree(tmp_path, {
        "svc/Dockerfile": "FROM python:3.12-slim\nCOPY . .\nRUN pip install poetry && poetry install\nUSER 1000\n"
                          "CMD gunicorn -b :$PORT svc.app:app\n",
        "svc/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.12"\nflask = "*"\ngunicorn = "*"\n',
        "svc/poetry.lock": '[[package]]\nname = "flask"\n\n[[package]]\nname = "Werkzeug"\n',
        "svc/svc/__init__.py": "", "svc/svc/app.py": textwrap.dedent(FLASK_APP) + "import werkzeug\nimport yaml\n",
    })
    f = only(check(tmp_path, {"svc": {"role": "web", "build": "./svc", "port": 8080}}), "py-module-not-found")
    assert f and "yaml" in f[0].message and "werkzeug" not in f[0].message and "pyyaml" in f[0].fix


# --- build and deploy scripts -------------------------------------------------------------------------


def test_deploy_script_builds_without_platform(tmp_path):
    api_tree(tmp_path, deploy_sh="docker build -t gcr.io/p/api ./api\ndocker push gcr.io/p/api\n")
    (tmp_path / "deploy_sh").rename(tmp_path / "deploy.sh")
    f = only(check(tmp_path), "cr-exec-format-error")
    assert f and f[0].severity == "warning" and "deploy.sh:1" in f[0].message


def test_deploy_script_with_platform_and_ci_runners(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "deploy.sh").write_text("docker buildx build --platform linux/amd64 -t gcr.io/p/api --push api\n")
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yml").write_text(
        "jobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t gcr.io/p/a . && docker push gcr.io/p/a\n")
    assert "cr-exec-format-error" not in ids(check(tmp_path))


def test_set_env_vars_in_scripts(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "Makefile").write_text(
        "deploy:\n\tgcloud run deploy api --image x \\\n\t  --set-env-vars CORS_ORIGINS=https://a.com,https://b.com\n")
    found = check(tmp_path)
    assert {f.severity for f in only(found, "gcloud-env-vars-wiped")} == {"warning"}
    bad = only(found, "gcloud-env-vars-bad-syntax")
    assert bad and "CORS_ORIGINS" in bad[0].message and "Makefile:2" in bad[0].message
    (tmp_path / "Makefile").write_text("deploy:\n\tgcloud run deploy api --image x --env-vars-file env.yaml\n")
    assert not ids(check(tmp_path)) & {"gcloud-env-vars-wiped", "gcloud-env-vars-bad-syntax"}


# --- compose volumes, buckets in code, upload limits ----------------------------------------------


COMPOSE = """
    services:
      db:
        image: postgres:16
        volumes: ["{vol}:/var/lib/postgresql/data"]
"""


def test_compose_postgres_on_host_path(tmp_path):
    api_tree(tmp_path, docker_compose_yml=COMPOSE.format(vol="/mnt/tank/apps/pg"))
    (tmp_path / "docker_compose_yml").rename(tmp_path / "docker-compose.yml")
    f = only(check(tmp_path, target="compose"), "compose-volume-permission-denied")
    assert f and f[0].severity == "warning" and "/mnt/tank/apps/pg" in f[0].message
    (tmp_path / "docker-compose.yml").write_text(textwrap.dedent(COMPOSE.format(vol="pgdata")))
    assert "compose-volume-permission-denied" not in ids(check(tmp_path, target="compose"))


def test_storage_client_without_buckets(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\ngoogle-cloud-storage\n")
    (tmp_path / "api/main.py").write_text(textwrap.dedent(FLASK_APP) + "from google.cloud import storage\n")
    assert "gcs-permission-denied" in ids(check(tmp_path))
    svc = {**API, "buckets": ["media"]}
    assert "gcs-permission-denied" not in ids(check(tmp_path, {"api": svc}, buckets={"media": {}}))


@pytest.mark.parametrize(("line", "flagged"), [
    ("app.config['MAX_CONTENT_LENGTH'] = 0\nMAX_CONTENT_LENGTH = 100 * 1024 * 1024", True),
    ("MAX_CONTENT_LENGTH = 16 * 1024 * 1024", False),
])
def test_upload_limit_in_code(tmp_path, line, flagged):
    api_tree(tmp_path)
    (tmp_path / "api/main.py").write_text(textwrap.dedent(FLASK_APP) + line + "\n")
    assert ("cr-request-too-large-413" in ids(check(tmp_path))) is flagged


def test_unreadable_and_missing_contexts_are_skipped(tmp_path):
    assert check(tmp_path, {"api": {**API, "build": "./nope"}}) == []
    tree(tmp_path, {"api/Dockerfile": "\x00\x01 not a dockerfile", "api/main.py": "def broken(:\n"})
    check(tmp_path)  # must not raise


def test_dockerfile_parser_handles_continuations_and_stages(tmp_path):
    path = tree(tmp_path, {"Dockerfile": """
        # syntax=docker/dockerfile:1
        FROM python:3.12 AS base
        ENV A=1 \\
            B="two words"
        FROM base AS final
        USER app
        CMD ["python", "-m", "http.server"]
    """}) / "Dockerfile"
    df = parse_dockerfile(path)
    assert df is not None and [s.alias for s in df.stages] == ["base", "final"]
    assert df.env_values() == {"A": "1", "B": "two words"}
    assert df.user().args == "app"
    assert df.start_command()[0] == "python -m http.server"


# --- the source shows what really runs -------------------------------------------------------------


def test_image_cmd_running_celery_on_a_web_service(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("gunicorn -b 0.0.0.0:$PORT main:app", "celery -A main worker"))
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\ncelery\n")
    found = check(tmp_path)
    f = only(found, "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and "api/Dockerfile" in f[0].message
    assert "cr-worker-deployed-as-service" not in ids(check(api_tree(tmp_path)))


def test_heavy_import_counts_as_heavy_dependency(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\ntorch\n")
    (tmp_path / "api/main.py").write_text(FLASK_APP + "import torch\n")
    found = check(tmp_path, {"api": {**API, "memory": "1Gi"}})
    # seen only as an import: tight (a warning) at 1 GiB, plainly too small (an error) at 512 MiB
    assert only(found, "cr-memory-limit-exceeded")[0].severity == "warning"
    assert "cr-cold-start-slow" in ids(found)
    assert only(check(tmp_path, {"api": {**API, "memory": "512Mi"}}), "cr-memory-limit-exceeded")[0].severity == "error"
    roomy = {**API, "cpu": 2, "memory": "4Gi", "min_instances": 1}
    assert not ids(check(tmp_path, {"api": roomy})) & {"cr-memory-limit-exceeded", "cr-cold-start-slow"}


def test_websocket_route_on_a_web_service(tmp_path):
    tree(tmp_path, {
        "api/Dockerfile": GOOD_DOCKERFILE.replace("gunicorn -b 0.0.0.0:$PORT main:app",
                                                  "uvicorn main:app --host 0.0.0.0 --port 8080"),
        "api/requirements.txt": "fastapi\nuvicorn\n",
        "api/main.py": "from fastapi import FastAPI, WebSocket\napp = FastAPI()\n\n"
                       "@app.websocket('/ws')\nasync def ws(s: WebSocket):\n    await s.accept()\n",
    })
    assert "cr-websocket-cut-at-request-timeout" in ids(check(tmp_path))
    (tmp_path / "api/main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    assert "cr-websocket-cut-at-request-timeout" not in ids(check(tmp_path))


NODE_DOCKERFILE = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD [\"node\", \"server.js\"]\n"


@pytest.mark.parametrize(("listen", "fid"), [
    ("app.listen(3000, 'localhost');", "node-bound-to-localhost"),
    ("app.listen(3000);", "cr-container-failed-to-listen-on-port"),
    ("app.listen(process.env.PORT || 3000, '0.0.0.0');", None),
])
def test_node_listen(tmp_path, listen, fid):
    tree(tmp_path, {"web/Dockerfile": NODE_DOCKERFILE, "web/package.json": '{"dependencies": {"express": "4"}}',
                    "web/server.js": f"const express = require('express');\nconst app = express();\n{listen}\n"})
    got = ids(check(tmp_path, {"web": {"role": "web", "build": "./web", "port": 8080}}))
    flagged = got & {"node-bound-to-localhost", "cr-container-failed-to-listen-on-port"}
    assert flagged == ({fid} if fid else set())


def test_compose_file_pinning_arm64(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    build: ./api\n    platform: linux/arm64\n")
    f = only(check(tmp_path, target="compose"), "cr-exec-format-error")
    assert f and f[0].severity == "error"
    (tmp_path / "compose.yaml").write_text("services:\n  api:\n    build: ./api\n    platform: linux/amd64\n")
    assert "cr-exec-format-error" not in ids(check(tmp_path, target="compose"))


@pytest.mark.parametrize(("files", "fid"), [
    ({"infra/run.tf": 'resource "google_cloud_run_v2_service" "a" {\n  template { containers { env {\n'
                      '    value_source { secret_key_ref { secret = "db" } } } } }\n}\n'}, "cr-secret-access-denied"),
    ({"deploy.sh": "gcloud run deploy api --image x --add-cloudsql-instances p:r:i\n"}, "cloudsql-not-authorized"),
    ({"infra/storage.tf": 'resource "google_storage_bucket" "u" {\n  name = "u"\n}\n'}, "gcs-permission-denied"),
])
def test_own_iac_without_runtime_roles(tmp_path, files, fid):
    api_tree(tmp_path)
    tree(tmp_path, files)
    f = only(check(tmp_path), fid)
    assert f and f[0].severity == "warning"
    tree(tmp_path, {"infra/iam.tf": '# roles/secretmanager.secretAccessor roles/cloudsql.client roles/storage.objectUser\n'})
    assert fid not in ids(check(tmp_path))


def test_start_script_lines_that_are_not_servers(tmp_path):
    script = ("#!/bin/sh\nuntil pg_isready --host localhost; do sleep 1; done\npip install --user uvicorn\n"
              "exec uvicorn main:app --host 0.0.0.0 --port $PORT\n")
    df = GOOD_DOCKERFILE.replace("CMD gunicorn -b 0.0.0.0:$PORT main:app", 'CMD ["./run.sh"]')
    api_tree(tmp_path, df)
    (tmp_path / "api/run.sh").write_text(script)
    (tmp_path / "api/requirements.txt").write_text("flask\nuvicorn\n")
    got = ids(check(tmp_path))
    assert not got & {"node-bound-to-localhost", "cr-container-failed-to-listen-on-port"}
    assert "cr-startup-probe-failed" in got  # the runtime pip install


def test_requirement_extras_provide_their_packages(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("gunicorn -b 0.0.0.0:$PORT main:app",
                                               "uvicorn main:app --host 0.0.0.0 --port $PORT"))
    (tmp_path / "api/requirements.txt").write_text("fastapi[standard]==0.115\ncelery[redis]\n")
    (tmp_path / "api/main.py").write_text("import uvloop\nimport redis\nimport jinja2\nfrom fastapi import FastAPI\n"
                                          "app = FastAPI()\n")
    assert "py-module-not-found" not in ids(check(tmp_path))


def test_monorepo_context_with_copied_subdirectory(tmp_path):
    tree(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY backend/requirements.txt .\n"
                      "RUN pip install -r requirements.txt\nCOPY backend/ .\nUSER 1000\n"
                      "CMD uvicorn app.main:app --host 0.0.0.0 --port $PORT\n",
        "backend/requirements.txt": "fastapi\nuvicorn\n",
        "backend/app/__init__.py": "",
        "backend/app/main.py": "import yaml\nfrom fastapi import FastAPI\napp = FastAPI()\n",
    })
    f = only(check(tmp_path, {"api": {"role": "web", "build": ".", "port": 8080}}), "py-module-not-found")
    assert f and f[0].severity == "error" and "yaml" in f[0].message and "backend/app/main.py:1" in f[0].message


def test_node_imports_versus_package_json(tmp_path):
    tree(tmp_path, {
        "web/Dockerfile": NODE_DOCKERFILE,
        "web/package.json": '{"name": "web", "dependencies": {"express": "4", "@aws-sdk/client-s3": "3"}}',
        "web/tsconfig.json": '{"compilerOptions": {"paths": {"@lib/*": ["src/lib/*"]}}}',
        "web/server.js": "const express = require('express');\nconst fs = require('node:fs');\n"
                         "const path = require('path');\nimport { S3Client } from '@aws-sdk/client-s3';\n"
                         "import helper from './helper';\nimport { x } from '@lib/x';\nimport type { T } from 'ghost';\n"
                         "const app = express();\napp.listen(process.env.PORT);\nconst sharp = require('sharp');\n",
    })
    f = only(check(tmp_path, {"web": {"role": "web", "build": "./web", "port": 8080}}), "node-module-not-found")
    assert f and "sharp" in f[0].message and "web/server.js:10" in f[0].message
    for ok in ("express", "fs", "path", "helper", "@lib", "ghost", "client-s3"):
        assert ok not in f[0].message.split("imports", 1)[1]
    pkg = tmp_path / "web/package.json"
    pkg.write_text(pkg.read_text().replace('"express": "4"', '"express": "4", "sharp": "0.33"'))
    assert "node-module-not-found" not in ids(check(tmp_path, {"web": {"role": "web", "build": "./web", "port": 8080}}))


def test_migrations_in_a_startup_hook(tmp_path):
    tree(tmp_path, {
        "api/Dockerfile": GOOD_DOCKERFILE.replace("gunicorn -b 0.0.0.0:$PORT main:app",
                                                  "uvicorn main:app --host 0.0.0.0 --port $PORT"),
        "api/requirements.txt": "fastapi\nuvicorn\nalembic\n",
        "api/main.py": "from alembic import command\nfrom alembic.config import Config\nfrom fastapi import FastAPI\n"
                       "app = FastAPI()\n\n@app.on_event('startup')\ndef migrate() -> None:\n"
                       "    command.upgrade(Config('alembic.ini'), 'head')\n\n@app.get('/')\ndef root():\n"
                       "    return {}\n",
    })
    f = only(check(tmp_path), "cr-startup-probe-failed")
    assert f and "start-up hook" in f[0].message and "api/main.py:6" in f[0].message
    (tmp_path / "api/main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n\n@app.on_event('startup')\n"
                                          "def hello() -> None:\n    print('up')\n")
    assert "cr-startup-probe-failed" not in ids(check(tmp_path))


def test_model_download_at_import_in_web_service_blocks_probe(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\ntransformers\ntorch\n")
    (tmp_path / "api/main.py").write_text(FLASK_APP + "from transformers import pipeline\nnlp = pipeline('ner')\n")
    got = ids(check(tmp_path, {"api": {**API, "cpu": 2, "memory": "8Gi", "min_instances": 1}}))
    assert {"hf-hub-download-at-startup", "cr-startup-probe-failed"} <= got


def test_web_service_whose_image_runs_a_plain_script(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("gunicorn -b 0.0.0.0:$PORT main:app", "python poller.py"))
    (tmp_path / "api/poller.py").write_text("import time\n\nwhile True:\n    time.sleep(5)\n")
    f = only(check(tmp_path), "cr-container-failed-to-listen-on-port")
    assert f and f[0].severity == "warning" and "poller.py" in f[0].message
    (tmp_path / "api/poller.py").write_text("from flask import Flask\napp = Flask(__name__)\n"
                                            "app.run(host='0.0.0.0', port=8080)\n")
    assert "cr-container-failed-to-listen-on-port" not in ids(check(tmp_path))


def test_code_reads_bucket_variable_but_service_has_no_buckets(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/main.py").write_text(FLASK_APP + "import os\nBUCKET = os.environ['GCS_BUCKET_STEMS']\n")
    f = only(check(tmp_path, buckets={"stems": {}}), "gcs-permission-denied")
    assert f and "GCS_BUCKET_STEMS" in f[0].message and f[0].severity == "warning"
    svc = {**API, "buckets": ["stems"]}
    assert "gcs-permission-denied" not in ids(check(tmp_path, {"api": svc}, buckets={"stems": {}}))


def test_workflow_deploying_celery_as_a_service(tmp_path):
    api_tree(tmp_path)
    wf = tmp_path / ".github/workflows/deploy-worker.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(textwrap.dedent("""
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  gcloud run deploy worker --image gcr.io/p/w \\
                    --set-env-vars "DATABASE_URL=${{ secrets.DATABASE_URL }}" \\
                    --command celery --args "-A,app.celery_app,worker" \\
                    --add-cloudsql-instances p:r:i
    """))
    found = check(tmp_path)
    f = only(found, "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and "deploy-worker.yml" in f[0].message
    assert {"gcloud-env-vars-wiped", "cloudsql-not-authorized"} <= ids(found)
    assert "gcloud-env-vars-bad-syntax" not in ids(found)
    wf.write_text(wf.read_text().replace("--add-cloudsql", "--no-cpu-throttling --add-cloudsql"))
    assert only(check(tmp_path), "cr-worker-deployed-as-service")[0].severity == "warning"


def test_url_read_with_a_localhost_default(tmp_path):
    tree(tmp_path, {"web/Dockerfile": NODE_DOCKERFILE, "web/package.json": '{"dependencies": {"next": "14"}}',
                    "web/lib/api.js": "export const API = process.env.NEXT_PUBLIC_API_URL || 'http://localhost:8000';\n"})
    svc = {"web": {"role": "web", "build": "./web", "port": 8080}}
    f = only(check(tmp_path, svc), "env-url-points-at-localhost")
    assert f and f[0].severity == "warning" and "web/lib/api.js:1" in f[0].message
    svc["web"]["env"] = {"NEXT_PUBLIC_API_URL": "https://api.example.com"}
    assert "env-url-points-at-localhost" not in ids(check(tmp_path, svc))


def test_one_way_websocket_suggests_sse(tmp_path):
    code = ("from fastapi import FastAPI, WebSocket\napp = FastAPI()\n\n@app.websocket('/progress')\n"
            "async def progress(ws: WebSocket):\n    await ws.accept()\n    await ws.send_json({'p': 1})\n")
    tree(tmp_path, {"rt/Dockerfile": GOOD_DOCKERFILE, "rt/requirements.txt": "fastapi\nuvicorn\n", "rt/main.py": code})
    svc = {"rt": {"role": "websocket", "build": "./rt", "port": 8080, "command": "uvicorn main:app --host 0.0.0.0 "
                  "--port 8080", "timeout": 3600, "min_instances": 1}}
    f = only(check(tmp_path, svc), "websocket-one-way-sse")
    assert f and f[0].severity == "info"
    (tmp_path / "rt/main.py").write_text(code + "    msg = await ws.receive_text()\n")
    assert "websocket-one-way-sse" not in ids(check(tmp_path, svc))


def test_pool_size_set_in_code_counts_for_connections(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\nsqlalchemy\n")
    (tmp_path / "api/main.py").write_text(FLASK_APP + "from sqlalchemy import create_engine\n"
                                          "engine = create_engine('x', pool_size=20, max_overflow=10)\n")
    svc = {"api": {**API, "max_instances": 4, "depends_on": ["postgres"]}}
    pg = {"tier": "db-custom-1-3840"}  # 100 connections; the plan's pool_size 5 gives 4 x 5 = 20
    assert "db-too-many-connections" not in ids(run_preflight(plan(svc, postgres=pg)))
    f = only(check(tmp_path, svc, postgres=pg), "db-too-many-connections")
    assert f and "120" in f[0].message and f[0].severity == "warning"


def test_heavy_packages_in_the_web_image(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/requirements.txt").write_text("flask\ngunicorn\ntorch==2.2\n")
    f = only(check(tmp_path), "cr-cold-start-slow")
    assert f and "torch" in f[0].message and "image" in f[0].message
    assert "cr-cold-start-slow" not in ids(check(tmp_path, {"api": {**API, "min_instances": 1}}))


def test_worker_started_by_a_script(tmp_path):
    api_tree(tmp_path, GOOD_DOCKERFILE.replace("CMD gunicorn -b 0.0.0.0:$PORT main:app", 'CMD ["./start-worker.sh"]'))
    (tmp_path / "api/start-worker.sh").write_text("#!/bin/sh\nexec celery -A main worker --concurrency 4\n")
    assert "cr-worker-deployed-as-service" in ids(check(tmp_path))


def test_database_url_read_by_prisma_and_django_helpers(tmp_path):
    src = tree(tmp_path, {
        "schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
        "settings.py": "import dj_database_url\nimport environ\nenv = environ.Env()\n"
                       "DATABASES = {'default': dj_database_url.config(conn_max_age=600)}\n"
                       "CACHE = env.db('CACHE_DB_URL', default='sqlite://')\n",
    })
    assert {k: r.kind for k, r in merge(js_reads([src / "schema.prisma"])).items()} == {"DATABASE_URL": "required"}
    got = {k: r.kind for k, r in merge(python_reads([src / "settings.py"])[0]).items()}
    assert got == {"DATABASE_URL": "required", "CACHE_DB_URL": "default"}


@pytest.mark.parametrize(("cmd", "fid"), [
    ("npm run dev", "node-bound-to-localhost"),  # package.json: vite without --host
    ("streamlit run app.py", "cr-container-failed-to-listen-on-port"),  # 8501 by default
    ("flask --app main run --host 0.0.0.0", "cr-container-failed-to-listen-on-port"),  # 5000 by default
    ("streamlit run app.py --server.port 8080 --server.address 0.0.0.0", None),
])
def test_dev_servers_and_default_ports(tmp_path, cmd, fid):
    tree(tmp_path, {"s/Dockerfile": f"FROM node:20\nUSER node\nCMD {cmd}\n",
                    "s/package.json": '{"scripts": {"dev": "vite"}, "dependencies": {"vite": "5"}}',
                    "s/app.py": "import streamlit as st\nst.write('hi')\n", "s/requirements.txt": "streamlit\nflask\n",
                    "s/main.py": FLASK_APP})
    got = ids(check(tmp_path, {"s": {"role": "web", "build": "./s", "port": 8080}}))
    assert got & {"node-bound-to-localhost", "cr-container-failed-to-listen-on-port"} == ({fid} if fid else set())


@pytest.mark.parametrize(("listen", "fid"), [
    ('http.ListenAndServe("localhost:8080", nil)', "node-bound-to-localhost"),
    ('http.ListenAndServe(":3000", nil)', "cr-container-failed-to-listen-on-port"),
    ('http.ListenAndServe(":"+os.Getenv("PORT"), nil)', None),
])
def test_go_listen(tmp_path, listen, fid):
    tree(tmp_path, {"g/Dockerfile": "FROM golang:1.22\nUSER 1000\nCMD [\"/app\"]\n", "g/go.mod": "module x\n",
                    "g/main.go": f"package main\n\nfunc main() {{\n\t{listen}\n}}\n"})
    got = ids(check(tmp_path, {"g": {"role": "web", "build": "./g", "port": 8080}}))
    assert got & {"node-bound-to-localhost", "cr-container-failed-to-listen-on-port"} == ({fid} if fid else set())


def test_public_frontend_deployed_private(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "deploy.sh").write_text("gcloud run deploy shop-frontend --image x --no-allow-unauthenticated\n"
                                        "gcloud run deploy internal-api --image y --no-allow-unauthenticated\n")
    f = only(check(tmp_path), "cr-invoker-permission-denied")
    assert len(f) == 1 and "shop-frontend" in f[0].message
    (tmp_path / "deploy.sh").write_text("gcloud run deploy shop-frontend --image x --allow-unauthenticated\n")
    assert "cr-invoker-permission-denied" not in ids(check(tmp_path))


# --- Dockerfile: the stage the service builds (build.target) -----------------------------------------

MULTI_STAGE = """
    FROM python:3.12-slim AS base
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    COPY . .
    USER 1000

    FROM base AS api
    CMD gunicorn -b 0.0.0.0:$PORT main:app

    FROM base AS worker
    CMD celery -A main worker --loglevel=info
"""


def test_build_target_api_reads_the_api_stage_not_the_last(tmp_path):
    # trap: the web service builds the `api` stage; the `worker` stage after it is not what it runs
    api_tree(tmp_path, MULTI_STAGE)
    svc = {**API, "build": {"context": "./api", "target": "api"}}
    assert "cr-worker-deployed-as-service" not in ids(check(tmp_path, {"api": svc}))


def test_build_target_worker_declared_web_is_refused(tmp_path):
    # trigger: the same file, a service building the `worker` stage declared web never listens
    api_tree(tmp_path, MULTI_STAGE)
    svc = {**API, "build": {"context": "./api", "target": "worker"}}
    f = only(check(tmp_path, {"api": svc}), "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and "api/Dockerfile:12" in f[0].message


def test_no_build_target_means_the_last_stage(tmp_path):
    api_tree(tmp_path, MULTI_STAGE)
    assert only(check(tmp_path), "cr-worker-deployed-as-service")


def test_build_target_picks_stage_env_and_user():
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Dockerfile"
        path.write_text("FROM python AS base\nENV A=1\nFROM base AS api\nENV B=2\nUSER 1000\n"
                        "FROM python AS tools\nENV C=3\n")
        api = parse_dockerfile(path, "API")
        last = parse_dockerfile(path)
        missing = parse_dockerfile(path, "nope")
    assert api and last and missing
    assert api.env_names() == {"A", "B"} and api.user() is not None
    assert last.env_names() == {"C"} and last.user() is None
    assert missing.env_names() == {"C"}  # an unknown target: docker would fail the build; read the last stage


# --- a consumer behind a dispatching start script ------------------------------------------------------

BOOTSTRAP = """
    #!/usr/bin/env bash
    set -e
    case "${1}" in
      worker)
        exec celery --app=proj.tasks:app worker -l INFO
        ;;
      beat)
        exec celery --app=proj.tasks:app beat -l INFO
        ;;
      web)
        exec gunicorn --bind "0.0.0.0:${PORT:-8088}" proj.app:app
        ;;
    esac
"""


def _bootstrap_services(arg: str) -> dict:
    return {"api": {"role": "web", "image": "proj:1.0", "port": 8088,
                    "command": ["/app/docker/bootstrap.sh", arg]}}


def test_start_script_branch_running_a_consumer_declared_web_is_refused(tmp_path):
    tree(tmp_path, {"docker/bootstrap.sh": BOOTSTRAP})
    f = only(check(tmp_path, _bootstrap_services("worker")), "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and "docker/bootstrap.sh:5" in f[0].message


def test_start_script_web_and_beat_branches_are_not_consumers(tmp_path):
    tree(tmp_path, {"docker/bootstrap.sh": BOOTSTRAP})
    for arg in ("web", "beat"):
        assert "cr-worker-deployed-as-service" not in ids(check(tmp_path, _bootstrap_services(arg))), arg


def test_plan_command_running_a_worker_script_in_the_build_context(tmp_path):
    api_tree(tmp_path)
    (tmp_path / "api/worker-start.sh").write_text("#!/bin/sh\npython pre_start.py\ncelery -A main worker -l info\n")
    svc = {**API, "command": "bash /worker-start.sh"}
    f = only(check(tmp_path, {"api": svc}), "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and "worker-start.sh:3" in f[0].message


def test_script_branch_keeps_line_numbers_and_called_functions():
    from launchdeck.app.preflight.entry import script_branch

    body = ("worker() {\n  N=${N:-2}\n  exec rq worker q\n}\nserver() { exec gunicorn app:app; }\n"
            'case "$1" in\n  worker) shift; worker ;;\n  server) shift; server ;;\nesac\n')
    picked = script_branch(body, "server").splitlines()
    assert len(picked) == len(body.splitlines())
    assert "gunicorn" in picked[4] and "rq worker" not in "\n".join(picked)
    assert "rq worker" in script_branch(body, "worker") and "gunicorn" not in script_branch(body, "worker")
    assert script_branch(body, "other") == body


def test_command_naming_a_path_the_dockerfile_copies_a_script_to(tmp_path):
    # cookiecutter-django's shape: COPY compose/.../celery/worker/start /start-celeryworker
    dockerfile = GOOD_DOCKERFILE.replace("COPY . .", "COPY . .\n    COPY ./scripts/worker-start /start-celeryworker\n"
                                         "    COPY ./scripts/web-start /start")
    api_tree(tmp_path, dockerfile)
    (tmp_path / "api/scripts").mkdir()
    (tmp_path / "api/scripts/worker-start").write_text("#!/bin/bash\nexec celery -A config.celery_app worker -l INFO\n")
    (tmp_path / "api/scripts/web-start").write_text("#!/bin/bash\nexec gunicorn config.wsgi -b 0.0.0.0:$PORT\n")
    f = only(check(tmp_path, {"api": {**API, "command": "/start-celeryworker"}}), "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and "scripts/worker-start:2" in f[0].message
    # trap: the web start script copied the same way is not a consumer
    assert "cr-worker-deployed-as-service" not in ids(check(tmp_path, {"api": {**API, "command": "/start"}}))


def test_deploy_script_keeping_the_platform_in_an_argument_array(tmp_path):
    # The shape launchdeck's own deploy.sh has: flags in an array, expanded on the build line.
    api_tree(tmp_path)
    script = ('args=(--platform linux/amd64 --push --tag "$REPO/api:$TAG")\n'
              'docker buildx build "${args[@]}" ./api\n')
    (tmp_path / "deploy.sh").write_text(script)
    assert "cr-exec-format-error" not in ids(check(tmp_path))
    # Without the pinned flag anywhere, the same line is still a finding.
    (tmp_path / "deploy.sh").write_text(script.replace("--platform linux/amd64 ", ""))
    assert "cr-exec-format-error" in ids(check(tmp_path))


def test_a_directory_launchdeck_exported_is_not_read_as_source(tmp_path):
    api_tree(tmp_path)
    out = tmp_path / "deploy-out"
    (out / ".launchdeck").mkdir(parents=True)
    (out / ".launchdeck/manifest.json").write_text("{}")
    (out / "deploy.sh").write_text("docker build -t gcr.io/p/api ./api\ndocker push gcr.io/p/api\n")
    assert "cr-exec-format-error" not in ids(check(tmp_path))
    (out / ".launchdeck/manifest.json").unlink()  # the same script as the user's own: read
    assert "cr-exec-format-error" in ids(check(tmp_path))
