"""Modal dialogs: a yes/no confirmation, the export-directory prompt and the log-source picker."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
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


class ExportDialog(ModalScreen[tuple[str, bool] | None]):
    """Ask for the export directory (and whether to overwrite edited files); None when cancelled.

    `blockers` are preflight's "this will not start" findings: as `generate` refuses without
    --force, the dialog refuses until "export anyway" is ticked.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_dir: str, target: str, count: int, blockers: list[str] | None = None) -> None:
        super().__init__()
        self._default, self._target, self._count = default_dir, target, count
        self._blockers = blockers or []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Export {self._count} files for {self._target}", classes="dialog-title")
            yield Static("Directory (created if missing). Files you edited since the last export are kept "
                         "and shown as conflicts unless you tick force.")
            yield Input(self._default, id="dir", placeholder="output directory")
            yield Checkbox("force: overwrite files edited since the last export", id="force")
            if self._blockers:
                yield Static(Text.assemble(
                    ("Preflight says this deploy will not start:\n", "bold red"),
                    *(f"  • {line}\n" for line in self._blockers),
                    ("Fix it on the Plan screen (4 lists the fixes), or export anyway to look at the files.",
                     "dim")), id="blockers")
                yield Checkbox("export anyway, despite the errors above", id="anyway")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="ok")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#dir", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._ok()
        else:
            self.dismiss(None)

    def _ok(self) -> None:
        directory = self.query_one("#dir", Input).value.strip()
        if not directory:
            self.notify("Give a directory to export into.", severity="warning")
            return
        if self._blockers and not self.query_one("#anyway", Checkbox).value:
            self.notify("Preflight says this deploy will not start: fix the plan, or tick \"export anyway\".",
                        severity="error")
            return
        self.dismiss((directory, self.query_one("#force", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


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
