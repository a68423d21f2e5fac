import os

from fastapi import FastAPI, WebSocket

REDIS_URL = os.environ["REDIS_URL"]
app = FastAPI()


@app.websocket("/ws")
async def progress(ws: WebSocket) -> None:
    await ws.accept()
    while True:
        await ws.send_json({"progress": 0})
