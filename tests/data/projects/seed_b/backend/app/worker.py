from celery import Celery
from google.cloud import storage

from app.config import BUCKET, REDIS_URL

celery_app = Celery("worker", broker=REDIS_URL)


@celery_app.task
def separate(name: str) -> None:
    storage.Client().bucket(BUCKET).blob(name).download_to_filename("/tmp/in")
