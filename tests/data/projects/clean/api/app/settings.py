from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False)

    database_url: str
    redis_url: str
    secret_key: str = Field(..., min_length=32)
    upload_bucket: str
    log_level: str = "info"


settings = Settings()
