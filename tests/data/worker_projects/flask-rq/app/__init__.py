import os

from flask import Flask
from redis import Redis
from rq import Queue


def create_app() -> Flask:
    app = Flask(__name__)
    app.redis = Redis.from_url(os.environ["REDIS_URL"])
    app.task_queue = Queue("blog-tasks", connection=app.redis)
    return app
