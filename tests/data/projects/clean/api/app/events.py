import os

from fastapi import FastAPI, WebSocket
from redis.asyncio import Redis

redis = Redis.from_url(os.environ["REDIS_URL"])
app = FastAPI()


@app.websocket("/events")
async def events(ws: WebSocket) -> None:
    await ws.accept()
    channel = await ws.receive_text()  # the client picks what to follow, then chats both ways
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel)
    async for message in pubsub.listen():
        await ws.send_json(message)
