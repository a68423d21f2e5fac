from config.celery_app import app


@app.task()
def send_order_email(order_id: int) -> None:
    print(f"order {order_id} confirmed")
