import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["daphne", "channels", "django.contrib.staticfiles"]
ASGI_APPLICATION = "chat.asgi.application"
CHANNEL_LAYERS = {
    "default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}},
}
MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]
