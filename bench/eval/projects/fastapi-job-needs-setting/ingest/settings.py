from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str
    openai_api_key: str
    archive_bucket: str = "ingest-archive"
    batch_size: int = 100


settings = Settings()
