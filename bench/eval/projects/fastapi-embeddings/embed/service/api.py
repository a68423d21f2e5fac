import os
from functools import lru_cache

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Query(BaseModel):
    texts: list[str]


@lru_cache(maxsize=1)
def model():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(os.environ.get("MODEL_NAME", "sentence-transformers/all-MiniLM-L6-v2"))


@app.post("/embed")
def embed(q: Query):
    return {"vectors": model().encode(q.texts).tolist()}
