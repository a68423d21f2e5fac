import logging

import yaml
from fastapi import FastAPI
from google.cloud import storage
from redis import Redis
from sqlalchemy import create_engine

from .settings import settings

logging.basicConfig(level=settings.log_level.upper())
engine = create_engine(settings.database_url, pool_size=4, max_overflow=0)
cache = Redis.from_url(settings.redis_url)
app = FastAPI()


@app.get("/healthz")
def healthz() -> dict:
    return {"ok": True}


@app.post("/uploads/sign")
def sign(name: str) -> dict:
    blob = storage.Client().bucket(settings.upload_bucket).blob(name)
    return {"url": blob.generate_signed_url(version="v4", expiration=900, method="PUT"), "meta": yaml.safe_dump({})}
