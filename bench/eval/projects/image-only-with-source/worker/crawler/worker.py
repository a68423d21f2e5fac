import os

import httpx
from redis import Redis
from rq import Queue, Worker

redis = Redis.from_url(os.environ["REDIS_URL"])
PROXY_TOKEN = os.environ["CRAWL_PROXY_TOKEN"]

if __name__ == "__main__":
    Worker([Queue("crawl", connection=redis)], connection=redis).work()
