"""Modal dialogs: yes/no, quit with unsaved changes, save as, refused fields, the export-directory
prompt and the log-source picker."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class ConfirmDialog(ModalScreen[bool]):
    """Ask a question; dismisses with True (yes) or False."""

    BINDINGS = [Binding("escape,n", "no", "No"), Binding("y", "yes", "Yes")]

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._title, self._question, self._yes, self._no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._question)
            with Horizontal(classes="buttons"):
                yield Button(f"{self._yes} (y)", variant="primary", id="yes")
                yield Button(f"{self._no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class SourceDialog(ModalScreen[str | None]):
    """Pick a log source from the plan's services and the local tools; None when cancelled.

    Dismisses with a complete spec, or with a prefix such as `file:` (or "") that the Logs
    screen's source box then lets the user finish.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self._choices = choices  # (spec, what it is)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Tail which logs?", classes="dialog-title")
            yield OptionList(*[Option(Text.assemble((spec or "…", "bold"), "  ", (what, "dim")), id=str(i))
                               for i, (spec, what) in enumerate(self._choices)], id="sources")
            yield Static("enter picks · esc cancels", classes="muted")

    def on_mount(self) -> None:
        sources = self.query_one("#sources", OptionList)
        sources.highlighted = 0
        sources.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[int(event.option_id or 0)][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


def _refused_lines(fields: list[tuple[str, str, str]]) -> Text:
    text = Text()
    for key, typed, why in fields:
        text.append("  • ", style="red")
        text.append(key, style="bold")
        text.append(f" = {typed!r}" if typed else " (empty)")
        text.append(f": {why}\n", style="dim")
    return text


class QuitDialog(ModalScreen[str | None]):
    """Unsaved changes: "save" (Save and quit), "discard" (Quit without saving) or None (Cancel)."""

    BINDINGS = [Binding("s", "choose('save')", "Save and quit"), Binding("d", "choose('discard')", "Quit without saving"),
                Binding("escape,c", "choose('')", "Cancel")]

    def __init__(self, file_name: str, refused: list[tuple[str, str, str]] | None = None) -> None:
        super().__init__()
        self._file, self._refused = file_name, refused or []

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("You have unsaved changes.", classes="dialog-title")
            yield Static(f"Save them to {self._file} before quitting?")
            if self._refused:
                yield Static(Text.assemble(("These fields hold values the plan refused; saving keeps their "
                                            "last valid values:\n", "yellow"), _refused_lines(self._refused)))
            with Horizontal(classes="buttons"):
                yield Button("Save and quit (s)", variant="primary", id="save")
                yield Button("Quit without saving (d)", variant="error", id="discard")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose("" if event.button.id == "cancel" else str(event.button.id))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)


class DropInvalidDialog(ModalScreen[bool]):
    """Save was asked for while fields hold refused values: name each; True saves without them."""

    BINDINGS = [Binding("escape,n", "no", "Go to the field"), Binding("y", "yes", "Save without them")]

    def __init__(self, refused: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._refused = refused

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(f"{len(self._refused)} field{'s' if len(self._refused) != 1 else ''} hold values "
                        "the plan refused", classes="dialog-title")
            yield Static(_refused_lines(self._refused))
            yield Static("Saving now writes their last valid values instead (what the plan holds). "
                         "Cancel takes you to the first one.", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Save without them (y)", variant="warning", id="yes")
                yield Button("Cancel, fix them (esc)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class SaveAsDialog(ModalScreen[str | None]):
    """Ask where to save; asks again before replacing a file that is not the one being edited."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str, current: Path | None = None) -> None:
        super().__init__()
        self._suggestion, self._current = suggestion, current
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label("Save the plan as", classes="dialog-title")
            yield Input(self._suggestion, id="path", placeholder="path of the plan file")
            yield Static(id="save-as-note", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="ok")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_changed(self) -> None:
        self._confirmed = None
        self.query_one("#save-as-note", Static).update("")

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._ok()
        else:
            self.dismiss(None)

    def _ok(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.query_one("#save-as-note", Static).update(Text("Give a file name.", style="yellow"))
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            path = path / "launchdeck.yaml"
        replacing = path.exists() and (self._current is None or path.resolve() != self._current.resolve())
        if replacing and self._confirmed != str(path):
            self._confirmed = str(path)
            self.query_one("#save-as-note", Static).update(
                Text(f"{path} exists. Press enter (or Save) again to replace it.", style="bold yellow"))
            return
        if not path.parent.is_dir():
            self.query_one("#save-as-note", Static).update(Text(f"No directory {path.parent}.", style="yellow"))
            return
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        self.dismiss(None)
