"""The kinds issue 17 found missing: for each rule, a tree that triggers it and a near-identical trap that must not."""

from __future__ import annotations

import textwrap
from pathlib import Path

from launchdeck.app.preflight import run_preflight
from tests.helpers import ids, only, plan

PY_DOCKERFILE = """
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    COPY . .
    USER 1000
    CMD {cmd}
"""


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def doctor(root: Path, services: dict, **extra):
    return run_preflight(plan(services, "cloud-run", **extra), "cloud-run", root)


def test_image_only_service_with_its_source_in_a_named_folder(tmp_path):
    tree(tmp_path, {
        "worker/Dockerfile": PY_DOCKERFILE.format(cmd='["python", "-m", "jobs"]'),
        "worker/requirements.txt": "redis\n",
        "worker/jobs.py": "import os\nTOKEN = os.environ['CRAWL_TOKEN']\n",
    })
    found = doctor(tmp_path, {"worker": {"role": "worker", "image": "ghcr.io/acme/worker:1"}})
    f = only(found, "image-only-service-has-source")
    assert f and f[0].severity == "warning" and "worker/" in f[0].message and f[0].path == "services.worker.image"
    wiped = only(found, "gcloud-env-vars-wiped")  # the folder is scanned as the service's source...
    assert wiped and "CRAWL_TOKEN" in wiped[0].message
    assert wiped[0].severity == "warning"  # ...but only probably what the image holds: never an error
    # trap: a folder named after a public image that holds only configuration is not source
    tree(tmp_path / "t2", {"nginx/default.conf": "server { listen 8080; }\n"})
    assert "image-only-service-has-source" not in ids(doctor(tmp_path / "t2", {"nginx": {"image": "nginx:1.27"}}))


def test_upload_limit_in_the_apps_own_settings(tmp_path):
    files = {
        "web/Dockerfile": PY_DOCKERFILE.format(cmd="gunicorn -b 0.0.0.0:$PORT site.wsgi"),
        "web/requirements.txt": "django\ngunicorn\n",
        "web/site/__init__.py": "",
        "web/site/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
        "web/site/settings.py": "DATA_UPLOAD_MAX_MEMORY_SIZE = 100 * 1024 * 1024\n",
    }
    web = {"web": {"role": "web", "build": "./web", "port": 8080}}
    f = only(doctor(tree(tmp_path, files), web), "cr-request-too-large-413")
    assert f and "site/settings.py:1" in f[0].message and "100" in f[0].message
    (tmp_path / "web/site/settings.py").write_text("DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024\n")
    assert "cr-request-too-large-413" not in ids(doctor(tmp_path, web))


def test_node_server_on_a_hard_coded_port_through_a_constant(tmp_path):
    files = {
        "api/Dockerfile": "FROM node:20\nWORKDIR /app\nCOPY . .\nUSER node\nCMD [\"node\", \"server.js\"]\n",
        "api/package.json": '{"name": "api", "dependencies": {"express": "4"}}\n',
        "api/server.js": "const express = require('express');\nconst PORT = 3000;\n"
                         "const app = express();\napp.listen(PORT);\n",
    }
    api = {"api": {"role": "web", "build": "./api", "port": 8080}}
    f = only(doctor(tree(tmp_path, files), api), "cr-container-failed-to-listen-on-port")
    assert f and f[0].severity == "error" and "api/server.js:4" in f[0].message and "3000" in f[0].message
    (tmp_path / "api/server.js").write_text("const express = require('express');\n"
                                            "const PORT = process.env.PORT || 3000;\nexpress().listen(PORT);\n")
    assert "cr-container-failed-to-listen-on-port" not in ids(doctor(tmp_path, api))


def test_secret_manager_secret_read_in_code_but_not_listed(tmp_path):
    files = {
        "api/Dockerfile": PY_DOCKERFILE.format(cmd="gunicorn -b 0.0.0.0:$PORT main:app"),
        "api/requirements.txt": "flask\ngunicorn\ngoogle-cloud-secret-manager\n",
        "api/main.py": "from flask import Flask\nfrom sm import get_secret\n\napp = Flask(__name__)\n"
                       "KEY = get_secret('stripe-api-key')\n",
        "api/sm.py": "from google.cloud import secretmanager\n\n"
                     "def get_secret(name):\n    c = secretmanager.SecretManagerServiceClient()\n"
                     "    return c.access_secret_version(name=f'projects/p/secrets/{name}/versions/latest')\n",
    }
    api = {"api": {"role": "web", "build": "./api", "port": 8080}}
    f = only(doctor(tree(tmp_path, files), api), "cr-secret-access-denied")
    assert f and "stripe-api-key" in f[0].message and "api/main.py:5" in f[0].message
    assert f[0].path == "services.api.secrets"
    listed = {"api": {**api["api"], "secrets": ["STRIPE_API_KEY"]}}
    assert "cr-secret-access-denied" not in ids(doctor(tmp_path, listed))


GO_MAIN = """
    package main

    import (
        "database/sql"
        "net/http"
        "os"
    )

    func main() {
        dsn := os.Getenv("DATABASE_URL")
        if dsn == "" {
            dsn = "postgres://postgres@localhost:5432/app"
        }
        sql.Open("postgres", dsn)
        http.ListenAndServe(":"+os.Getenv("PORT"), nil)
    }
"""


def test_go_database_url_with_a_localhost_fallback(tmp_path):
    files = {
        "svc/Dockerfile": "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /svc .\nUSER 1000\n"
                          "CMD [\"/svc\"]\n",
        "svc/go.mod": "module example.com/svc\n\ngo 1.22\n",
        "svc/main.go": GO_MAIN,
    }
    svc = {"svc": {"role": "web", "build": "./svc", "port": 8080, "env": {"DB_HOST": "10.0.0.3"}}}
    f = only(doctor(tree(tmp_path, files), svc, postgres={"tier": "db-custom-1-3840"}), "db-dial-localhost-fallback")
    assert f and "svc/main.go:10" in f[0].message and "localhost" in f[0].message
    assert f[0].severity == "warning"  # a fallback value: the app starts, and talks to the wrong host
    with_url = {"svc": {**svc["svc"], "secrets": ["DATABASE_URL"]}}
    assert "db-dial-localhost-fallback" not in ids(doctor(tmp_path, with_url, postgres={"tier": "db-custom-1-3840"}))


def test_model_server_whose_model_does_not_fit(tmp_path):
    files = {
        "llm/Dockerfile": PY_DOCKERFILE.format(cmd="uvicorn app:app --host 0.0.0.0 --port $PORT"),
        "llm/requirements.txt": "fastapi\nuvicorn\ntransformers\ntorch\n",
        "llm/app.py": "from fastapi import FastAPI\nfrom transformers import AutoModelForCausalLM\n\napp = FastAPI()\n"
                      "MODEL = 'mistralai/Mistral-7B-Instruct-v0.3'\n",
    }
    llm = {"role": "web", "build": "./llm", "port": 8080, "cpu": 4, "min_instances": 1}
    f = only(doctor(tree(tmp_path, files), {"llm": {**llm, "memory": "8Gi"}}), "cr-memory-limit-exceeded")
    assert f and f[0].severity == "error" and "Mistral-7B" in f[0].message and "llm/app.py:5" in f[0].message
    assert "cr-memory-limit-exceeded" not in ids(doctor(tmp_path, {"llm": {**llm, "memory": "16Gi"}}))


def test_next_public_url_on_localhost_is_baked_in_at_build_time(tmp_path):
    files = {
        "web/Dockerfile": "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\n"
                          "ARG NEXT_PUBLIC_API_URL=http://localhost:8000\nRUN npm run build\n"
                          "FROM node:20\nCOPY --from=build /app /app\nENV HOSTNAME=0.0.0.0\nUSER node\n"
                          "CMD [\"npm\", \"start\"]\n",
        "web/package.json": '{"name": "w", "scripts": {"start": "next start -p 3000"}, "dependencies": {"next": "14"}}\n',
        "web/app/page.js": "export default function P() { return process.env.NEXT_PUBLIC_API_URL; }\n",
    }
    web = {"role": "web", "build": "./web", "port": 3000}
    f = only(doctor(tree(tmp_path, files), {"web": web}), "env-url-points-at-localhost")
    assert f and "build" in f[0].message and "NEXT_PUBLIC_API_URL" in f[0].message
    fixed = {"web": {**web, "env": {"NEXT_PUBLIC_API_URL": "https://api.example.com"}}}
    assert "env-url-points-at-localhost" not in ids(doctor(tmp_path, fixed))


COMPOSE = """
    services:
      app:
        build: .
        volumes: ["static:/app/static"]
      nginx:
        image: nginx:alpine
        volumes: ["static:/usr/share/nginx/html/static:ro"]
    volumes:
      static:
"""


def test_static_files_served_by_nginx_from_a_shared_volume(tmp_path):
    files = {
        "docker-compose.yml": COMPOSE,
        "Dockerfile": PY_DOCKERFILE.format(cmd="gunicorn -b 0.0.0.0:$PORT site.wsgi"),
        "requirements.txt": "django\ngunicorn\n",
        "site/__init__.py": "",
        "site/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
        "site/settings.py": "STATIC_ROOT = '/app/static'\n",
    }
    app = {"app": {"role": "web", "build": ".", "port": 8080}}
    f = only(doctor(tree(tmp_path, files), app), "static-files-shared-volume")
    assert f and f[0].service == "app" and "docker-compose.yml" in f[0].message and "WhiteNoise" in f[0].fix
    (tmp_path / "requirements.txt").write_text("django\ngunicorn\nwhitenoise\n")  # serves its own files
    assert "static-files-shared-volume" not in ids(doctor(tmp_path, app))
