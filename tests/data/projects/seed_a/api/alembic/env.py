import os

from alembic import context
from sqlalchemy import create_engine

engine = create_engine(os.environ.get("DATABASE_URL", "postgresql://postgres@localhost/app"))
with engine.connect() as conn:
    context.configure(connection=conn)
