"""A plan file that did not load: its errors, the editor at the first one, and reload.

The CLI exits 2 with the same FILE:LINE lines; in the TUI the user can fix the file without
leaving. Quitting while the file is still refused ends with exit code 2 and the errors printed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


def editor_command(path: Path, line: int | None) -> list[str] | None:
    """$VISUAL or $EDITOR (else the first of nano/vi found) opening `path` at `line`."""
    configured = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    words = shlex.split(configured) if configured else next(([name] for name in ("nano", "vim", "vi")
                                                             if shutil.which(name)), [])
    if not words:
        return None
    name = Path(words[0]).name
    if line and name in ("vi", "vim", "nvim", "nano", "emacs", "micro", "kak", "hx", "helix", "joe", "mg"):
        words.append(f"+{line}")  # these all take +LINE before the file
    elif line and name in ("code", "codium"):
        return [*words, "--wait", "--goto", f"{path}:{line}"]
    elif line and name in ("subl", "zed"):
        return [*words, "--wait" if name == "zed" else "-w", f"{path}:{line}"]
    return [*words, str(path)]


def _first_line(error: Any) -> int | None:
    for err in getattr(error, "errors", []) or []:
        if getattr(err, "line", None):
            return int(err.line)
    return None


class InvalidPlanScreen(ModalScreen[None]):
    """The refused plan's errors; e opens the editor at the first error's line, r reloads."""

    BINDINGS = [
        Binding("e", "edit", "Open in editor"),
        Binding("r", "reload", "Reload"),
        Binding("q,escape", "app.quit", "Quit"),
    ]

    def __init__(self, path: Path, error: Exception) -> None:
        super().__init__()
        self.path, self.error = path, error

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="invalid-box"):
            yield Label(f"{self.path.name} is not a valid plan yet", classes="dialog-title")
            yield Static(id="invalid-errors")
            yield Static(id="invalid-note", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Edit (e)", variant="primary", id="edit")
                yield Button("Reload (r)", id="reload")
                yield Button("Quit (q)", id="quit")

    def on_mount(self) -> None:
        self._show()
        self.query_one("#edit", Button).focus()

    def _show(self, note: str = "") -> None:
        errors = getattr(self.error, "errors", None) or []
        text = Text()
        for err in errors[:40]:
            where = f"{Path(err.file).name}:{err.line}" if err.line else Path(err.file).name
            text.append(f"{where}  ", style="bold red")
            if err.path:
                text.append(f"{err.path}: ", style="bold")
            text.append(f"{err.message}\n")
        if not errors:
            text.append(str(self.error) + "\n", style="red")
        if len(errors) > 40:
            text.append(f"… and {len(errors) - 40} more\n", style="dim")
        self.query_one("#invalid-errors", Static).update(text)
        line = _first_line(self.error)
        hint = f"e opens {self.path.name} at line {line}" if line else f"e opens {self.path.name}"
        self.query_one("#invalid-note", Static).update(
            Text.assemble((note + "\n", "yellow") if note else "", f"{hint} in your editor ($EDITOR); "
                          "it reloads when the editor closes. r reloads now, q quits (exit code 2)."))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "quit":
            self.app.exit(2, return_code=2)
        else:
            self.run_action(str(event.button.id))

    def action_edit(self) -> None:
        argv = editor_command(self.path, _first_line(self.error))
        if argv is None:
            self._show("No editor found: set $EDITOR, or fix the file elsewhere and press r.")
            return
        # Without a terminal (tests) there is nothing to hand over: the editor just runs.
        hand_over = contextlib.nullcontext() if self.app.is_headless else self.app.suspend()
        try:
            with hand_over:
                subprocess.run(argv, check=False)
        except Exception as exc:  # noqa: BLE001 - no editor, or the terminal cannot be handed over
            self._show(f"Could not run {argv[0]}: {exc}")
            return
        self.action_reload()

    def action_reload(self) -> None:
        deck: Any = self.app
        if deck.reload_plan():
            self.dismiss(None)
            self.notify(f"{self.path.name} loaded.")
            return
        self.error = deck.plan_error
        self._show("Still not valid:")
