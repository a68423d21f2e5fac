import time


def export_posts():
    time.sleep(1)
