"""A service's environment: explicit variables, names from env files, and the split into plain env
and secret names. Secret-looking values never leave `split_env`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchdeck.app.compose import parts
from launchdeck.app.safeio import UnreadableFile
from launchdeck.app.secretish import looks_secret, looks_secret_name


class UnreadableEnvFile(Exception):
    """An env_file that exists but is no readable text file (a device, a FIFO, far too large)."""

    def __init__(self, rel: str, reason: str):
        super().__init__(f"{rel}: {reason}")
        self.rel, self.reason = rel, reason


@dataclass(frozen=True)
class ServiceEnv:
    explicit: dict[str, str | None]  # `environment:`; a bare KEY (from the host) maps to None
    file_only: list[str]  # names only an env_file defines (their values are never read)
    missing_files: list[str]  # required env files that were not found


def read_environment(svc: dict[str, Any], base_dir: Path) -> ServiceEnv:
    from_files: list[str] = []
    missing: list[str] = []
    for rel, required in parts.env_file_entries(svc.get("env_file")):
        path = (base_dir / parts.sniff(rel)).resolve()
        try:
            names = parts.env_file_names(path)
        except UnreadableFile as exc:
            if not exc.missing:
                raise UnreadableEnvFile(rel, exc.reason) from None
            if required:
                missing.append(rel)
            continue
        except OSError:
            if required:
                missing.append(rel)
            continue
        from_files += [n for n in names if n not in from_files]
    explicit = parts.parse_environment(svc.get("environment"))
    return ServiceEnv(explicit, [n for n in from_files if n not in explicit], missing)


def split_env(env: dict[str, str | None], file_names: list[str]) -> tuple[dict[str, str], list[str]]:
    """(plain env, secret names). Secret-looking values never leave this function."""
    plain: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in env.items():
        if value is None:
            if looks_secret_name(key):
                secrets.append(key)
            else:
                plain[key] = f"${{{key}}}"  # passed through from the host: keep it as a reference
        elif looks_secret(key, value) or looks_secret(key, parts.sniff(value)):
            secrets.append(key)
        else:
            plain[key] = value
    secrets += [n for n in file_names if n not in secrets and n not in plain]
    return plain, secrets
