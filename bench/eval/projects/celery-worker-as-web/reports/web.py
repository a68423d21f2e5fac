from flask import Flask

from reports.tasks import build

app = Flask(__name__)


@app.post("/reports/<int:rid>")
def start(rid):
    return {"task": build.delay(rid).id}
