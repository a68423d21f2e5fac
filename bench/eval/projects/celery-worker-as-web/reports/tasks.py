from reports.celery_app import app


@app.task
def build(report_id):
    return report_id
