#!/bin/sh
set -e
alembic upgrade head
exec uvicorn blog.main:app --host 0.0.0.0 --port "${PORT:-8080}"
