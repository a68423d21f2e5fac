import logging

from sqlmodel import Session, select
from tenacity import retry, stop_after_attempt, wait_fixed

from app.core.db import engine

logger = logging.getLogger(__name__)


@retry(stop=stop_after_attempt(60), wait=wait_fixed(1))
def init() -> None:
    with Session(engine) as session:
        session.exec(select(1))


if __name__ == "__main__":
    init()
