import os

from fastapi import FastAPI, WebSocket
from redis.asyncio import Redis

redis = Redis.from_url(os.environ["REDIS_URL"])
app = FastAPI()


@app.websocket("/events")
async def events(ws: WebSocket) -> None:
    await ws.accept()
    async for message in redis.pubsub().listen():
        await ws.send_json(message)
