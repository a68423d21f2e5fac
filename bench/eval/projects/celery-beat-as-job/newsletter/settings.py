import dj_database_url

DATABASES = {"default": dj_database_url.config()}
SECRET_KEY = "insecure-dev-only"
