import os

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine(os.environ["DATABASE_URL"])
app = FastAPI()


@app.get("/notes")
async def notes():
    return []
