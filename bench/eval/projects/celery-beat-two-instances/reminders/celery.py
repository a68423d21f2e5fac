import os

from celery import Celery

app = Celery("reminders", broker=os.environ["REDIS_URL"])
app.conf.beat_schedule = {"nudge": {"task": "reminders.tasks.nudge", "schedule": 300.0}}
