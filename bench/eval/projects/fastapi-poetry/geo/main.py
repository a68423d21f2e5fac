import os

import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel
from shapely.geometry import Point
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.middleware.gzip import GZipMiddleware

engine = create_async_engine(os.environ["DATABASE_URL"])
app = FastAPI()
app.add_middleware(GZipMiddleware)


class Query(BaseModel):
    lat: float
    lon: float


@app.post("/near")
async def near(q: Query):
    return {"buffer": Point(q.lon, q.lat).buffer(np.float64(0.1)).area}
