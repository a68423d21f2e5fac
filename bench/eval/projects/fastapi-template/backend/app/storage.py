from google.cloud import storage

from app.core.config import settings

_client = storage.Client()


def upload(name: str, data: bytes) -> str:
    blob = _client.bucket(settings.UPLOADS_BUCKET).blob(name)
    blob.upload_from_string(data)
    return blob.name
