from fastapi import FastAPI, UploadFile
from google.cloud import storage

from app.config import BUCKET

app = FastAPI()


@app.post("/upload")
async def upload(file: UploadFile) -> dict:
    blob = storage.Client().bucket(BUCKET).blob(file.filename)
    blob.upload_from_file(file.file)
    return {"name": file.filename}
