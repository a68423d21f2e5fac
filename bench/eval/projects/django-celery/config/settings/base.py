import environ

env = environ.Env()
DATABASES = {"default": env.db("DATABASE_URL")}
CELERY_BROKER_URL = env("REDIS_URL")
INSTALLED_APPS = ["django.contrib.staticfiles", "bookshelf.books"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]
STATIC_ROOT = "/app/staticfiles"
STATIC_URL = "/static/"
