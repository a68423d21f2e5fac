import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")
app = Celery("newsletter", broker=os.environ["REDIS_URL"])
app.conf.beat_schedule = {"weekly": {"task": "newsletter.tasks.send", "schedule": crontab(day_of_week=1)}}
