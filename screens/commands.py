"""The command palette provider: every launchdeck action by name, from any screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


def _commands(app: Any) -> list[tuple[str, str, Callable[[], Any]]]:
    """(name, help, callback) for every action."""
    from launchdeck.app.plan import TARGETS
    from launchdeck.screens.registry import SCREENS

    out: list[tuple[str, str, Callable[[], Any]]] = []
    for key, mode, label in SCREENS:
        out.append((f"go: {label.lower()}", f"switch to the {label} screen (key {key})",
                    partial(app.switch_mode, mode)))
    for target in TARGETS:
        out.append((f"target: {target}", f"make {target} the plan's target", partial(app.run_on, "target",
                                                                                   f"choose_target('{target}')")))
    out += [
        ("plan: save", "write launchdeck.yaml, keeping its comments (ctrl+s)", app.action_save),
        ("plan: save as…", "write the plan to another file (F2)", app.action_save_as),
        ("plan: undo", "undo the last change to the plan (ctrl+z)", app.action_undo),
        ("plan: redo", "redo what undo took back (ctrl+y)", app.action_redo),
        ("costs: refresh prices", "fetch current prices from the Cloud Billing Catalog API",
         partial(app.run_on, "costs", "refresh_prices")),
        ("costs: gcp vs self-host", "break-even months and cumulative cost chart",
         partial(app.run_on, "costs", "show_versus")),
        ("preflight: run checks", "check the plan against its target", partial(app.run_on, "preflight", "rerun")),
        ("export: export files", "write the target's files to a directory (safe export)",
         partial(app.run_on, "export", "export")),
        ("export: run validators", "validate the generated files", partial(app.run_on, "export", "validate")),
        ("logs: pick source", "Cloud Run service/job, compose, kubectl or a file",
         partial(app.run_on, "logs", "pick_source")),
        ("logs: open demo log", "tail the bundled demo log with hints", partial(app.run_on, "logs", "demo")),
        ("logs: pause / follow", "stop or resume following the tail", partial(app.run_on, "logs", "toggle_follow")),
        ("logs: filter", "filter lines by text", partial(app.run_on, "logs", "filter")),
        ("logs: service status", "readiness of each Cloud Run service (needs credentials)",
         partial(app.run_on, "logs", "refresh_status")),
        ("help: keys", "every key on every screen (?)", app.action_help),
    ]
    return out


class DeckCommands(Provider):
    """One provider for all of launchdeck's actions."""

    async def discover(self) -> Hits:
        for name, help_text, callback in _commands(self.app):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in _commands(self.app):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
