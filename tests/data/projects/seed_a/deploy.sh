#!/usr/bin/env bash
set -euo pipefail
IMAGE=us-central1-docker.pkg.dev/my-project/apps/api:latest
docker build -t "$IMAGE" api
docker push "$IMAGE"
gcloud run deploy api --image "$IMAGE" --region us-central1
