from fastapi import FastAPI

from ingest.settings import settings

app = FastAPI()
