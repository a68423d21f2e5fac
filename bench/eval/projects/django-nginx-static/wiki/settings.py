import os

import dj_database_url

SECRET_KEY = os.environ["SECRET_KEY"]
DATABASES = {"default": dj_database_url.config()}
STATIC_URL = "/static/"
STATIC_ROOT = "/app/staticfiles"
MEDIA_ROOT = "/app/media"
