from celery import Celery

app = Celery("store")
