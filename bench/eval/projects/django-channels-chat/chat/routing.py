from django.urls import path

from chat.consumers import RoomConsumer

websocket_urlpatterns = [path("ws/room/<str:name>/", RoomConsumer.as_asgi())]
