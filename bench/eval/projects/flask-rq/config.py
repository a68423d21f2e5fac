import os

from dotenv import load_dotenv

load_dotenv()


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "you-will-never-guess"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "").replace("postgres://", "postgresql://")
    REDIS_URL = os.environ.get("REDIS_URL") or "redis://"
    POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE", "25"))
