import os

from celery import Celery

app = Celery("reports", broker=os.environ["REDIS_URL"], include=["reports.tasks"])
