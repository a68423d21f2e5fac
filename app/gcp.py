"""Google API client factories and credential discovery, shared by prices, logs, status and deploy.

Nothing here imports a Google library at module import time: every factory imports inside the
call, so the TUI's first screen and the offline commands never pay for them.

`LAUNCHDECK_EMULATOR_HOST=127.0.0.1:PORT` sends all three APIs to a local insecure gRPC endpoint
(Google's emulator convention); the tests' fake servers use it. Clients must be built inside the
running event loop: a grpc.aio channel binds to the loop that created it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EMULATOR_ENV = "LAUNCHDECK_EMULATOR_HOST"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


class NoCredentials(Exception):
    """No usable Google credentials; the message says what to do."""


class NoProject(Exception):
    """No Google Cloud project could be determined."""


def emulator_target() -> str | None:
    """The loopback emulator endpoint, or None. Non-loopback hosts are refused."""
    target = os.environ.get(EMULATOR_ENV, "").strip()
    if not target:
        return None
    host = target.rsplit(":", 1)[0].strip("[]")
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise NoCredentials(f"{EMULATOR_ENV}={target} must point at a loopback address (127.0.0.1:PORT)")
    return target


def adc_file() -> Path:
    config = os.environ.get("CLOUDSDK_CONFIG")
    base = Path(config) if config else Path.home() / ".config" / "gcloud"
    return base / "application_default_credentials.json"


def on_google_cloud() -> bool:
    if os.environ.get("K_SERVICE") or os.environ.get("CLOUD_SHELL") or os.environ.get("CLOUD_RUN_JOB"):
        return True
    try:
        return "Google" in Path("/sys/class/dmi/id/product_name").read_text()
    except OSError:
        return False


def resolve_project(explicit: str | None = None, plan_project: str | None = None) -> str:
    project = explicit or plan_project or os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("CLOUDSDK_CORE_PROJECT")
    if not project:
        raise NoProject(
            "No Google Cloud project: pass --project, set `project:` in launchdeck.yaml, or export GOOGLE_CLOUD_PROJECT"
        )
    return project


def credentials() -> Any:
    """Application Default Credentials, found without a metadata-server probe when off GCP."""
    explicit = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if explicit and not Path(explicit).is_file():
        raise NoCredentials(f"GOOGLE_APPLICATION_CREDENTIALS points at {explicit!r}, which does not exist")
    gcp = on_google_cloud()
    if not explicit and not adc_file().is_file() and not gcp:
        raise NoCredentials(
            "No Google Cloud credentials found. Run `gcloud auth application-default login` "
            "(or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file)."
        )
    if not gcp:
        os.environ.setdefault("NO_GCE_CHECK", "true")  # must be lowercase, and set before google.auth loads
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        creds, _ = google.auth.default(scopes=SCOPES)
    except DefaultCredentialsError as exc:
        source = explicit or str(adc_file())
        raise NoCredentials(f"Could not load Google credentials from {source}: {exc}") from None
    return creds


def _channel(target: str) -> Any:
    import grpc

    return grpc.aio.insecure_channel(target)


@dataclass
class RunClients:
    services: Any
    revisions: Any
    jobs: Any
    executions: Any
    worker_pools: Any = None


def make_logging_client() -> Any:
    """google.cloud.logging_v2 async GAPIC client (call inside the running loop)."""
    from google.cloud.logging_v2.services.logging_service_v2 import LoggingServiceV2AsyncClient
    from google.cloud.logging_v2.services.logging_service_v2.transports import (
        LoggingServiceV2GrpcAsyncIOTransport,
    )

    target = emulator_target()
    if target:
        return LoggingServiceV2AsyncClient(transport=LoggingServiceV2GrpcAsyncIOTransport(channel=_channel(target)))
    return LoggingServiceV2AsyncClient(credentials=credentials())


def make_run_clients() -> RunClients:
    """google.cloud.run_v2 async clients sharing one channel (call inside the running loop)."""
    from google.cloud import run_v2
    from google.cloud.run_v2.services.executions.transports import ExecutionsGrpcAsyncIOTransport
    from google.cloud.run_v2.services.jobs.transports import JobsGrpcAsyncIOTransport
    from google.cloud.run_v2.services.revisions.transports import RevisionsGrpcAsyncIOTransport
    from google.cloud.run_v2.services.services.transports import ServicesGrpcAsyncIOTransport
    from google.cloud.run_v2.services.worker_pools.transports import WorkerPoolsGrpcAsyncIOTransport

    target = emulator_target()
    if target:
        ch = _channel(target)
        return RunClients(
            services=run_v2.ServicesAsyncClient(transport=ServicesGrpcAsyncIOTransport(channel=ch)),
            revisions=run_v2.RevisionsAsyncClient(transport=RevisionsGrpcAsyncIOTransport(channel=ch)),
            jobs=run_v2.JobsAsyncClient(transport=JobsGrpcAsyncIOTransport(channel=ch)),
            executions=run_v2.ExecutionsAsyncClient(transport=ExecutionsGrpcAsyncIOTransport(channel=ch)),
            worker_pools=run_v2.WorkerPoolsAsyncClient(transport=WorkerPoolsGrpcAsyncIOTransport(channel=ch)),
        )
    creds = credentials()
    return RunClients(
        services=run_v2.ServicesAsyncClient(credentials=creds),
        revisions=run_v2.RevisionsAsyncClient(credentials=creds),
        jobs=run_v2.JobsAsyncClient(credentials=creds),
        executions=run_v2.ExecutionsAsyncClient(credentials=creds),
        worker_pools=run_v2.WorkerPoolsAsyncClient(credentials=creds),
    )


def make_billing_client(api_key: str | None = None) -> Any:
    """google.cloud.billing_v1 CloudCatalog async client; an API key needs no ADC."""
    from google.cloud import billing_v1
    from google.cloud.billing_v1.services.cloud_catalog.transports import CloudCatalogGrpcAsyncIOTransport

    target = emulator_target()
    if target:
        return billing_v1.CloudCatalogAsyncClient(transport=CloudCatalogGrpcAsyncIOTransport(channel=_channel(target)))
    key = api_key or os.environ.get("LAUNCHDECK_BILLING_API_KEY")
    if key:
        return billing_v1.CloudCatalogAsyncClient(client_options={"api_key": key})
    return billing_v1.CloudCatalogAsyncClient(credentials=credentials())


def explain_google_error(exc: BaseException, what: str = "the request") -> str:
    """One line for a google.api_core exception, with the fix."""
    from google.api_core import exceptions as gex

    reason = getattr(exc, "reason", None) or ""
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, gex.Forbidden | gex.PermissionDenied):
        if reason == "SERVICE_DISABLED" or "has not been used" in message or "is disabled" in message:
            return f"{what}: the API is disabled for this project. Enable it: {message}"
        return f"{what}: permission denied ({message}). Grant the missing role to your account or service account."
    if isinstance(exc, gex.Unauthenticated):
        return f"{what}: not authenticated ({message}). Run `gcloud auth application-default login`."
    if isinstance(exc, gex.NotFound):
        return f"{what}: not found ({message}). Is it deployed yet, in this project and region?"
    if isinstance(exc, gex.TooManyRequests):
        return f"{what}: quota exhausted ({message}). Wait and retry."
    if isinstance(exc, gex.InvalidArgument):
        return f"{what}: invalid request ({message})."
    if isinstance(exc, gex.ServiceUnavailable | gex.DeadlineExceeded):
        return f"{what}: the API is unreachable ({message}). Check the network and retry."
    return f"{what}: {type(exc).__name__}: {message}"
