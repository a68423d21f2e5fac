import os

from celery import Celery

celery_app = Celery("worker", broker=os.environ.get("RABBITMQ_URL", "amqp://guest@queue//"))
