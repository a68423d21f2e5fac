import os

import psycopg2
from flask import Flask

app = Flask(__name__)
conn_url = os.environ["DATABASE_URL"]
