import os

import psycopg2
import yaml
from flask import Flask

from invoices.pdf import render


def create_app():
    app = Flask(__name__)
    app.config["DB"] = os.environ["DATABASE_URL"]
    app.add_url_rule("/invoice/<int:n>.pdf", view_func=render)
    return app
