"""Secrets written into a compose command move to `secrets`; the argument keeps a reference.

The plan's reference form is `$(NAME)`: Cloud Run and Kubernetes expand it in `args` from the
container's environment (secrets included), Terraform and gcloud pass it through untouched, and the
compose generator writes it as `${NAME}` (taken from `.env` like the service's other secrets).
"""

from __future__ import annotations

from dataclasses import dataclass

from launchdeck.app.secretish import command_secrets


@dataclass(frozen=True)
class Lifted:
    name: str  # the secret's variable name, now in `secrets`
    what: str  # a few words for the user, never the value
    index: int  # the argument's position


def reference(name: str) -> str:
    return f"$({name})"


def lift_command_secrets(command: list[str] | str, env: dict[str, str | None], plain: dict[str, str],
                         secrets: list[str]) -> tuple[list[str] | str, list[Lifted]]:
    """(the command with each secret replaced by `$(NAME)`, what moved). `env` holds the service's
    own values, read only to reuse a variable's name when the command repeats its value."""
    args = [command] if isinstance(command, str) else [str(a) for a in command]
    found = command_secrets(args)
    if not found:
        return command, []
    by_value = {v: k for k, v in env.items() if v}
    chosen: dict[str, str] = {}  # secret text -> name
    lifted: list[Lifted] = []
    out = list(args)
    # Right to left inside each argument, so earlier offsets stay valid.
    for hit in sorted(found, key=lambda h: (h.index, -h.start)):
        text = args[hit.index][hit.start:hit.end]
        name = chosen.get(text) or by_value.get(text) or _free_name(hit.name, text, env, plain, secrets, chosen)
        chosen[text] = name
        out[hit.index] = out[hit.index][:hit.start] + reference(name) + out[hit.index][hit.end:]
        if name not in secrets:
            secrets.append(name)
        plain.pop(name, None)
        lifted.append(Lifted(name, hit.what, hit.index))
    lifted.sort(key=lambda x: x.index)
    return (out[0] if isinstance(command, str) else out), lifted


def _free_name(want: str, text: str, env: dict[str, str | None], plain: dict[str, str], secrets: list[str],
               chosen: dict[str, str]) -> str:
    """`want`, unless the service already uses that name for a different value."""
    taken = set(chosen.values())
    candidate, n = want, 1
    while candidate in taken or candidate in plain or (candidate in env and env[candidate] not in (None, text)):
        n += 1
        candidate = f"{want}_{n}"
    return candidate
