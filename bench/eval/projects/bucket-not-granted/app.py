import os

from flask import Flask
from google.cloud import storage

app = Flask(__name__)
bucket = storage.Client().bucket(os.environ["EXPORT_BUCKET"])
