from fastapi import FastAPI, UploadFile

from app import storage
from app.core.config import settings

app = FastAPI(title=settings.PROJECT_NAME)


@app.post("/items/{item_id}/photo")
async def photo(item_id: int, file: UploadFile):
    return {"name": storage.upload(f"{item_id}/{file.filename}", await file.read())}
