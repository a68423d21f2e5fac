from flask import current_app, jsonify


def export_posts():
    job = current_app.task_queue.enqueue("app.tasks.export_posts")
    return jsonify(id=job.get_id())
