from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    PROJECT_NAME: str = "Inventory"
    DATABASE_URL: str
    SECRET_KEY: str
    UPLOADS_BUCKET: str = "inventory-uploads"
    SENTRY_DSN: str | None = None
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24


settings = Settings()
