import io

import yaml
from google.cloud import storage
from PIL import Image

CONFIG = yaml.safe_load(open("sizes.yaml"))


def make_thumbnail(blob_name: str) -> None:
    bucket = storage.Client().bucket("images")
    img = Image.open(io.BytesIO(bucket.blob(blob_name).download_as_bytes()))
    img.thumbnail((256, 256))
