#!/bin/sh
exec venv/bin/gunicorn -b :${PORT:-5000} --access-logfile - --error-logfile - blog:app
