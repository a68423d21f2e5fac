import os

from google.cloud import secretmanager

_client = secretmanager.SecretManagerServiceClient()


def get_secret(name: str) -> str:
    project = os.environ["GOOGLE_CLOUD_PROJECT"]
    path = f"projects/{project}/secrets/{name}/versions/latest"
    return _client.access_secret_version(request={"name": path}).payload.data.decode()
