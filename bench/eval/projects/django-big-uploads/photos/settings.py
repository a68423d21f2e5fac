import os

import dj_database_url

SECRET_KEY = os.environ["SECRET_KEY"]
DATABASES = {"default": dj_database_url.config(conn_max_age=600)}
# Photographers upload RAW files
DATA_UPLOAD_MAX_MEMORY_SIZE = 200 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 200 * 1024 * 1024
STORAGES = {"default": {"BACKEND": "storages.backends.gcloud.GoogleCloudStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
GS_BUCKET_NAME = os.environ.get("GS_BUCKET_NAME", "photos-media")
