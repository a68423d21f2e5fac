#!/bin/sh
exec gunicorn --bind 127.0.0.1:8080 --workers 2 tickets:app
