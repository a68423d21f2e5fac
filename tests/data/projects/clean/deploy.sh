#!/usr/bin/env bash
set -euo pipefail
IMAGE=europe-west1-docker.pkg.dev/my-project/apps/api:latest
docker buildx build --platform linux/amd64 -t "$IMAGE" --push api
gcloud run deploy api --image "$IMAGE" --region europe-west1 --env-vars-file env.yaml
