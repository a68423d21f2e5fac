import os

from alembic import context

URL = os.environ['DATABASE_URL']
