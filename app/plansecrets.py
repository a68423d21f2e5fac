"""Secret values still written in a plan, found by the one detector (app/secretish.py).

`generate` refuses such a plan and doctor reports it; the importer uses it as a last check on what
it is about to write. Findings name the plan key and what kind of value it holds, never the value.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from launchdeck.app.secretish import _is_reference, command_secrets, find_secrets, looks_secret, what_is


@dataclass(frozen=True)
class SecretValue:
    path: tuple[str | int, ...]  # ("services", "api", "command", 3)
    name: str  # the variable to keep it in (an env key, or a suggested name)
    what: str  # a few words for the user, never the value
    service: str | None = None

    @property
    def key(self) -> str:
        return ".".join(map(str, self.path))

    def message(self) -> str:
        return f"{self.key} holds {self.what}"

    def fix(self) -> str:
        if self.service and len(self.path) > 3 and self.path[2] == "env":
            return f"move {self.name} to services.{self.service}.secrets (its value goes to Secret Manager or .env)"
        if self.service and len(self.path) > 2 and self.path[2] == "command":
            return (f"write $({self.name}) in its place and add {self.name} to services.{self.service}.secrets "
                    "(Cloud Run and Kubernetes fill it in from the secret)")
        return "remove the value from the plan; keep it in Secret Manager or .env"


def _args(command: Any) -> list[str]:
    if isinstance(command, list):
        return [str(a) for a in command]
    try:
        return shlex.split(str(command))
    except ValueError:
        return [str(command)]


def find_plan_secrets(data: Any) -> list[SecretValue]:
    """Every secret-shaped value in plan data (a Plan's `model_dump(mode="json")` or the importer's dict)."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    out: list[SecretValue] = []
    services = data.get("services") if isinstance(data, dict) else None
    for name, svc in (services if isinstance(services, dict) else {}).items():
        if not isinstance(svc, dict):
            continue
        env = svc.get("env") if isinstance(svc.get("env"), dict) else {}
        for key, value in env.items():
            text = "" if value is None else str(value)
            if text.strip() and not _is_reference(text) and looks_secret(str(key), text):
                out.append(SecretValue(("services", name, "env", key), str(key), "a secret-looking value", name))
        if isinstance(svc.get("command"), list | str) and svc["command"]:
            args = _args(svc["command"])
            for hit in command_secrets(args):
                index: tuple[int, ...] = (hit.index,) if isinstance(svc["command"], list) else ()
                out.append(SecretValue(("services", name, "command", *index), hit.name, hit.what, name))
        for key, value in svc.items():
            if key not in ("env", "command", "secrets") or not isinstance(value, dict | list | str):
                out += [SecretValue(p, "SECRET", w, name) for p, w in _walk(value, ("services", name, key))]
    if isinstance(data, dict):
        for key, value in data.items():
            if key != "services":
                out += [SecretValue(p, "SECRET", w) for p, w in _walk(value, (key,))]
    return out


def _walk(value: Any, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in _walk(v, (*path, k))]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _walk(v, (*path, i))]
    if isinstance(value, str):
        hits = find_secrets(value)
        return [(path, what_is(hits[0].kind))] if hits else []
    return []


class SecretsInPlan(ValueError):
    """The plan still carries secret values; nothing may be generated from it."""

    def __init__(self, found: list[SecretValue]):
        self.found = found
        lines = [f"  {f.message()}: {f.fix()}" for f in found]
        super().__init__("the plan holds secret values, which would land in generated files "
                         "(values are never shown here):\n" + "\n".join(lines))


def refuse_plan_secrets(plan: Any) -> None:
    """Raise SecretsInPlan when the plan carries a secret-shaped value anywhere."""
    found = find_plan_secrets(plan)
    if found:
        raise SecretsInPlan(found)
