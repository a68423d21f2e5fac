"""Google API client factories and credential discovery, shared by prices, logs, status and deploy.

Nothing here imports a Google library at module import time: every factory imports inside the
call, so the TUI's first screen and the offline commands never pay for them.

`LAUNCHDECK_EMULATOR_HOST=127.0.0.1:PORT` sends all three APIs to a local insecure gRPC endpoint
(Google's emulator convention); the tests' fake servers use it. Clients must be built inside the
running event loop: a grpc.aio channel binds to the loop that created it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EMULATOR_ENV = "LAUNCHDECK_EMULATOR_HOST"
# gRPC core writes INFO lines ("Got goaway ...") to stderr when a server recycles a connection, which
# Google's servers do routinely; the errors that matter reach us as exceptions. Must be set before
# grpc loads, and every user of the Google clients imports this module first.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
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
        what = "which is not a key file" if Path(explicit).exists() else "which does not exist"
        raise NoCredentials(f"GOOGLE_APPLICATION_CREDENTIALS points at {explicit!r}, {what}")
    gcp = on_google_cloud()
    if not explicit and not adc_file().is_file() and not gcp:
        raise NoCredentials(
            "No Google Cloud credentials found. Run `gcloud auth application-default login` "
            "(or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file)."
        )
    if not gcp:
        os.environ.setdefault("NO_GCE_CHECK", "true")  # must be lowercase, and set before google.auth loads
    import warnings

    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    # google.auth warns on stderr about user credentials without a quota project; the API's own
    # error says what to do if that ever matters, and the warning is noise in every command.
    warnings.filterwarnings("ignore", message="Your application has authenticated using end user credentials")
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


# One call, retries included; well inside the 30 s a user waits before deciding something hangs.
DEFAULT_API_TIMEOUT = 20.0
TIMEOUT_ENV = "LAUNCHDECK_API_TIMEOUT"


def api_timeout() -> float:
    """Seconds one Google call may take, retries included: $LAUNCHDECK_API_TIMEOUT, else 20."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, "") or DEFAULT_API_TIMEOUT)
    except ValueError:
        return DEFAULT_API_TIMEOUT
    return min(max(value, 0.1), 3600.0) if value == value else DEFAULT_API_TIMEOUT


def call_options(*, idempotent: bool = True, timeout: float | None = None) -> dict[str, Any]:
    """`retry=` and `timeout=` for one GAPIC call, so no call waits longer than `api_timeout()`.

    Reads retry UNAVAILABLE (a dropped connection, a server restarting) with backoff inside the
    same deadline; a create or update is sent once. The float timeout becomes api_core's
    time-to-deadline, shared by every attempt, so retries never stretch the total.
    """
    from google.api_core import exceptions as gex
    from google.api_core import retry_async

    total = timeout if timeout is not None else api_timeout()
    if not idempotent:
        return {"retry": None, "timeout": total}
    retry = retry_async.AsyncRetry(initial=0.25, maximum=4.0, multiplier=2.0, timeout=total,
                                   predicate=retry_async.if_exception_type(gex.ServiceUnavailable))
    return {"retry": retry, "timeout": total}


_HOST = re.compile(r"([a-z0-9-]+(?:\.[a-z0-9-]+)*\.googleapis\.com)")


def _host(message: str) -> str:
    m = _HOST.search(message)
    return m.group(1) if m else "the Google API"


def _short(message: str, limit: int = 200) -> str:
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unwrap(exc: BaseException) -> BaseException:
    """The error behind a RetryError (the last attempt's), else `exc` itself."""
    from google.api_core import exceptions as gex

    if isinstance(exc, gex.RetryError) and isinstance(exc.cause, BaseException):
        return exc.cause
    return exc


def _network(message: str, host: str, waited: str) -> str | None:
    """The cause and fix for a transport failure gRPC describes in `message`, or None."""
    low = message.lower()
    if "metadata from plugin" in low or "refresh" in low and "token" in low:
        if "invalid_grant" in low or "expired" in low or "revoked" in low:
            return ("Google credentials have expired or were revoked. "
                    "Run `gcloud auth application-default login` and retry.")
        return (f"could not refresh Google credentials (oauth2.googleapis.com unreachable{waited}). "
                "Check the network or HTTPS_PROXY, then retry.")
    if any(k in low for k in ("resolv", "dns", "domain name not found", "name or service not known",
                              "nodename nor servname", "temporary failure in name resolution")):
        return (f"cannot look up {host} (DNS failed{waited}): no network, or no DNS. "
                "Check the connection (and HTTPS_PROXY if you use one), then retry.")
    for needle, cause in _CONNECT_CAUSES:
        if needle in low:
            return f"cannot connect to {host} ({cause}{waited}). Check the network, a firewall or proxy, then retry."
    return None


_CONNECT_CAUSES = (
    # gRPC gives up on a TCP connect nobody answers (a black hole: a firewall dropping packets) with
    # "tcp handshaker shutdown": the TCP handshake, not TLS, so it comes before "handshake".
    ("tcp handshaker", "the connection attempt got no answer: a firewall or a dead route drops it"),
    ("connection timed out", "the connection attempt got no answer: a firewall or a dead route drops it"),
    ("timeout occurred", "the connection attempt got no answer: a firewall or a dead route drops it"),
    ("connection refused", "connection refused"),
    ("network is unreachable", "network unreachable"),
    ("no route to host", "no route to host"),
    ("connection reset", "connection reset"),
    ("handshake", "TLS handshake failed"),
    ("ssl", "TLS error"),
    ("socket closed", "connection closed"),
    ("failed to connect", "connection failed"),
    ("connect failed", "connection failed"),
)


def explain_google_error(exc: BaseException, what: str = "the request") -> str:
    """One line for a google.api_core / google.auth exception: what failed, why, and the fix."""
    from google.api_core import exceptions as gex

    retried = isinstance(exc, gex.RetryError)
    exc = unwrap(exc)
    reason = getattr(exc, "reason", None) or ""
    message = _short(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
    host = _host(str(exc))
    waited = f", retried for {api_timeout():g} s" if retried else ""
    if isinstance(exc, gex.Forbidden | gex.PermissionDenied):
        if reason == "SERVICE_DISABLED" or "has not been used" in message or "is disabled" in message:
            return f"{what}: the API is disabled for this project. Enable it: {message}"
        return f"{what}: permission denied ({message}). Grant the missing role to your account or service account."
    if isinstance(exc, gex.Unauthenticated):
        return f"{what}: not authenticated ({message}). Run `gcloud auth application-default login`."
    if isinstance(exc, gex.NotFound):
        return f"{what}: not found ({message}). Is it deployed yet, in this project and region?"
    if isinstance(exc, gex.TooManyRequests):
        return (f"{what}: quota exhausted ({message}). Wait a minute and retry, or ask for more quota "
                "(Cloud console > IAM & Admin > Quotas).")
    if isinstance(exc, gex.InvalidArgument):
        return f"{what}: invalid request ({message})."
    if isinstance(exc, gex.DeadlineExceeded):
        return (f"{what}: no answer from {host} within {api_timeout():g} s (a slow or blocked network, or a "
                f"proxy dropping traffic). Check the network and retry; set {TIMEOUT_ENV} to wait longer.")
    if isinstance(exc, gex.ServiceUnavailable):
        cause = _network(message, host, waited)
        if cause:
            return f"{what}: {cause}"
        return f"{what}: {host} is unavailable{waited} ({message}). Retry in a minute; check the network if it persists."
    if _is_auth_transport(exc):
        cause = _network(f"metadata from plugin: {message}", host, waited)
        return f"{what}: {cause}"
    if isinstance(exc, gex.GoogleAPICallError):
        return f"{what}: {type(exc).__name__} ({message})."
    return f"{what}: {type(exc).__name__}: {message}"


def _is_auth_transport(exc: BaseException) -> bool:
    """google.auth failing to refresh a token (RefreshError, TransportError) outside a gRPC call."""
    return type(exc).__module__.startswith("google.auth") and type(exc).__name__ in ("RefreshError", "TransportError")


def is_google_error(exc: BaseException) -> bool:
    """An error from a Google call that explain_google_error describes (api_core or google.auth)."""
    from google.api_core import exceptions as gex

    return isinstance(exc, gex.GoogleAPICallError | gex.RetryError) or _is_auth_transport(exc)
