from openai import OpenAI

from ingest.settings import settings

if __name__ == "__main__":
    client = OpenAI(api_key=settings.openai_api_key)
