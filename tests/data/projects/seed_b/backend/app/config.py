import os

DATABASE_URL = os.environ["DATABASE_URL"]
REDIS_URL = os.environ["REDIS_URL"]
BUCKET = os.getenv("GCS_BUCKET", "uploads")
