#!/usr/bin/env bash
set -eo pipefail
case "${1}" in
  worker)
    exec celery --app=dashboards.tasks.celery_app:app worker -O fair -l INFO --concurrency=${CELERYD_CONCURRENCY:-2}
    ;;
  beat)
    rm -f /tmp/celerybeat.pid
    exec celery --app=dashboards.tasks.celery_app:app beat --pidfile /tmp/celerybeat.pid -l INFO -s "/tmp/celerybeat-schedule"
    ;;
  app-gunicorn)
    exec gunicorn --bind "0.0.0.0:${PORT:-8088}" --workers 4 "dashboards.app:create_app()"
    ;;
esac
