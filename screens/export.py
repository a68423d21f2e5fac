"""Export screen: the files `generate` writes for the target, a preview, validator verdicts, safe export."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, DataTable, Input, Label, OptionList, Static, Tree
from textual.worker import Worker, WorkerState

from launchdeck.screens.base import DeckScreen

LEXERS = {".tf": "terraform", ".yaml": "yaml", ".yml": "yaml", ".sh": "bash", ".json": "json", ".md": "markdown",
          ".env": "bash", ".toml": "toml", ".hcl": "terraform", ".tfvars": "terraform", ".conf": "ini"}


def lexer_for(path: str) -> str:
    name = Path(path).name
    if name.startswith("Dockerfile"):
        return "docker"
    return LEXERS.get(Path(path).suffix, "text")


# Three states, each with its own mark and word: a skipped check (tool not here) never looks like a pass.
VERDICT_MARKS = {"ok": Text("✓ ok", style="green"), "failed": Text("✗ failed", style="bold red"),
                 "skipped": Text("– skipped", style="yellow")}


HEADER = ("{n} files for {target}. x exports them: new and unchanged-since-export files are written; a file "
          "you edited is never overwritten, its new version goes beside it as FILE.new (c shows the "
          "difference). v runs the validators.")


class TickBox(Checkbox):
    """A checkbox that reads the same in any theme or colour depth: `[x]` ticked, `[ ]` not.

    Textual's own shows `▐X▌` either way and tells the states apart by colour alone.
    """

    def render(self) -> Content:
        box = Content.styled("[x]" if self.value else "[ ]", "bold" if self.value else "")
        return Content.assemble(box, " ", self.label)


class ExportDialog(ModalScreen[tuple[str, bool, bool] | None]):
    """Ask for the export directory; (directory, force, export anyway), or None when cancelled.

    `blockers` are preflight's "this will not start" findings: as `generate` refuses without
    --force, the dialog refuses until "export anyway" is ticked. The body scrolls, so at 80x24
    the buttons stay reachable (tab moves to them and scrolls them into view).
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ExportDialog > VerticalScroll.dialog { height: auto; max-height: 100%; }
    ExportDialog TickBox { margin-top: 1; }
    """

    def __init__(self, default_dir: str, target: str, count: int, blockers: list[str] | None = None,
                 anyway: bool = False) -> None:
        super().__init__()
        self._default, self._target, self._count = default_dir, target, count
        self._blockers = blockers or []
        self._anyway = anyway

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(f"Export {self._count} files for {self._target}", classes="dialog-title")
            yield Static("Directory (created if missing). A file you edited since the last export is kept; its "
                         "new version is written beside it as FILE.new. Nothing is overwritten unless you "
                         "tick force.")
            yield Input(self._default, id="dir", placeholder="output directory")
            yield TickBox("force: overwrite files edited since the last export", id="force")
            if self._blockers:
                yield Static(Text.assemble(
                    ("Preflight says this deploy will not start:\n", "bold red"),
                    *(f"  • {line}\n" for line in self._blockers),
                    ("Fix it on the Plan screen (4 lists the fixes), or export anyway to look at the files.",
                     "dim")), id="blockers")
                yield TickBox("export anyway, despite the errors above", self._anyway, id="anyway")
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
        anyway = bool(self._blockers) and self.query_one("#anyway", Checkbox).value
        if self._blockers and not anyway:
            self.notify("Preflight says this deploy will not start: fix the plan, or tick \"export anyway\".",
                        severity="error")
            return
        self.dismiss((directory, self.query_one("#force", Checkbox).value, anyway))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DiffDialog(ModalScreen[None]):
    """FILE (yours, kept) against FILE.new (what launchdeck would write), for each conflict of an export."""

    BINDINGS = [Binding("escape,q", "close", "Close")]
    DEFAULT_CSS = """
    DiffDialog { align: center middle; background: $background 60%; }
    DiffDialog > Vertical { width: 100%; max-width: 140; height: 100%; max-height: 50;
        border: round $accent; background: $surface; padding: 0 1; }
    DiffDialog OptionList { height: auto; max-height: 6; }
    DiffDialog VerticalScroll { height: 1fr; }
    """

    def __init__(self, directory: Path, paths: list[str]) -> None:
        super().__init__()
        self._dir, self._paths = directory, paths
        self.shown = ""  # the diff on show (tests read it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Kept your version; the new one is FILE.new ({len(self._paths)} file(s)). "
                        "Merge by hand, or export with force. esc closes.", classes="title")
            yield OptionList(*self._paths, id="diff-files")
            with VerticalScroll(id="diff-pane"):
                yield Static(id="diff")

    def on_mount(self) -> None:
        self._show(self._paths[0])
        self.query_one(OptionList).focus()

    @on(OptionList.OptionHighlighted)
    def _pick(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self._paths[event.option_index])

    def _show(self, rel: str) -> None:
        from launchdeck.app.export import diff_beside

        text = diff_beside(self._dir, rel)
        self.shown = text
        self.query_one("#diff", Static).update(Syntax(text, "diff", theme="ansi_dark", word_wrap=False)
                                               if text else Text("(no difference)", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)


class ExportScreen(DeckScreen):
    MODE = "export"
    BINDINGS = [
        Binding("x", "export", "Export…"),
        Binding("v", "validate", "Validate"),
        Binding("c", "conflicts", "Conflicts", show=False),
        Binding("t", "app.switch_mode('target')", "Target"),
        Binding("d", "app.switch_mode('preflight')", "Preflight"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, str] = {}
        self.verdicts: list[Any] | None = None
        self.last_result: Any = None
        self.selected: str | None = None
        self.export_anyway = False  # the "export anyway" tick, kept for the session
        self._export_dir = ""

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="export-summary", classes="title")
        with Horizontal(id="export-body"):
            with Vertical(id="files-pane"):
                tree: Tree[str] = Tree("files", id="files")
                tree.show_root = False
                yield tree
            with VerticalScroll(id="preview-pane"):
                yield Static(id="preview")
        with Vertical(id="verdicts-pane"):
            yield Label("Validators", id="verdicts-title", classes="title")
            yield DataTable(id="verdicts", cursor_type="row")
        yield Static(id="export-result")

    def on_mount(self) -> None:
        table = self.query_one("#verdicts", DataTable)
        for key, label in (("ok", ""), ("validator", "Validator"), ("path", "File"), ("message", "Message")):
            table.add_column(label, key=key)
        super().on_mount()

    def plan_changed(self) -> None:
        summary = self.query_one("#export-summary", Static)
        tree = self.query_one("#files", Tree)
        # A result (or "Export failed") belongs to the files it was about: a new plan or target clears it.
        self.last_result = None
        self.query_one("#export-result", Static).update("")
        try:
            from launchdeck.app.generators import generate

            self.files = generate(self.plan, self.plan.target)
        except Exception as exc:  # noqa: BLE001 - e.g. SecretInEnv: shown with its message
            self.files = {}
            tree.clear()
            summary.update(Text(f"Cannot generate files for {self.plan.target}: {exc}", style="red"))
            self.query_one("#preview", Static).update("")
            return
        tree.clear()
        dirs: dict[tuple[str, ...], Any] = {(): tree.root}
        for path in self.files:
            parts = tuple(Path(path).parts)
            for depth in range(1, len(parts)):
                key = parts[:depth]
                if key not in dirs:
                    dirs[key] = dirs[parts[: depth - 1]].add(f"{parts[depth - 1]}/", expand=True)
            dirs[parts[:-1]].add_leaf(parts[-1], data=path)
        summary.update(Text(HEADER.format(n=len(self.files), target=self.plan.target)))
        self.verdicts = None
        self._show_verdicts()
        self._preview(self.selected if self.selected in self.files else next(iter(self.files), None))

    @on(Tree.NodeHighlighted, "#files")
    def _highlight(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node.data:
            self._preview(event.node.data)

    def _preview(self, path: str | None) -> None:
        self.selected = path
        preview = self.query_one("#preview", Static)
        if path is None:
            preview.update("")
            return
        preview.update(Syntax(self.files[path], lexer_for(path), line_numbers=True, word_wrap=False,
                              theme="ansi_dark"))
        self.query_one("#preview-pane", VerticalScroll).scroll_home(animate=False)

    # -- validators --------------------------------------------------------------------------

    def action_validate(self) -> None:
        if not self.files:
            self.notify("No files to validate.", severity="warning")
            return
        table = self.query_one("#verdicts", DataTable)
        table.clear()
        table.add_row("…", "running validators", "", "this may take a few seconds")
        self._validate(dict(self.files), self.plan.target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="validate", description="validators")
    def _validate(self, files: dict[str, str], target: str) -> list[Any]:
        from launchdeck.app.validate import validate_files

        return validate_files(files, target)

    def _show_verdicts(self) -> None:
        from launchdeck.app.validate import summary_counts

        table = self.query_one("#verdicts", DataTable)
        table.clear()
        title = Text("Validators")
        if self.verdicts:
            c = summary_counts(self.verdicts)
            title.append(f" · {len(self.verdicts)} checks: ")
            title.append(f"{c['ok']} passed", style="green")
            title.append(", ")
            title.append(f"{c['failed']} failed", style="bold red" if c["failed"] else "")
            title.append(", ")
            title.append(f"{c['skipped']} skipped (tool not here)" if c["skipped"] else "0 skipped",
                         style="yellow" if c["skipped"] else "")
        self.query_one("#verdicts-title", Label).update(title)
        if self.verdicts is None:
            table.add_row("", "", "", Text("press v to run the validators on these files", style="dim"))
            return
        for v in self.verdicts:
            table.add_row(VERDICT_MARKS[v.state], v.validator, v.path, v.message.splitlines()[0] if v.message else "")

    # -- export ------------------------------------------------------------------------------

    def action_export(self) -> None:
        if not self.files:
            self.notify("Nothing to export: fix the problem shown above first.", severity="warning")
            return
        from launchdeck.app.preflight import run_preflight, startup_blockers

        blockers = [f"{f.service or 'plan'}: {f.message}"
                    for f in startup_blockers(run_preflight(self.plan, source_dir=self.deck.source_dir))]
        from launchdeck.app.export import remembered_dir

        default = remembered_dir(self._plan_key(), self.plan.target) or str(Path.cwd() / "deploy" / self.plan.target)
        self.app.push_screen(ExportDialog(default, self.plan.target, len(self.files), blockers, self.export_anyway),
                             self._export_answer)

    def _plan_key(self) -> str:
        return str(Path(self.deck.save_path).expanduser().resolve())

    def _export_answer(self, answer: tuple[str, bool, bool] | None) -> None:
        if answer is None:
            return
        directory, force, anyway = answer
        self.export_anyway = self.export_anyway or anyway
        self._export_dir = directory
        self.query_one("#export-result", Static).update(f"Exporting to {directory}…")
        self._export(dict(self.files), directory, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="export")
    def _export(self, files: dict[str, str], directory: str, force: bool) -> Any:
        from launchdeck.app.export import export_files, remember_dir

        result = export_files(files, Path(directory).expanduser(), force=force)
        remember_dir(self._plan_key(), self.plan.target, directory)
        return result

    def _show_export(self, result: Any, directory: str) -> None:
        text = Text()
        text.append(f"Exported to {directory}: ", style="bold")
        text.append(f"{len(result.written)} written", style="green")
        text.append(f", {len(result.unchanged)} unchanged")
        if result.kept_edited:
            text.append(f", {len(result.kept_edited)} edited by you: kept", style="yellow")
        if result.conflicts:
            text.append(f", {len(result.conflicts)} conflicts (files launchdeck did not write)", style="bold red")
        kept = [*result.kept_edited, *result.conflicts]
        if kept:
            text.append("\nNot overwritten: " + ", ".join(map(str, kept[:5])) + (" …" if len(kept) > 5 else ""),
                        style="red")
            text.append("\nThe new version of each is beside it as FILE.new: c shows the difference; merge by "
                        "hand, or export with force.", style="dim")
        self.query_one("#export-result", Static).update(text)
        if kept:
            self.notify(f"{len(kept)} file(s) kept as you edited them; press c to see each against FILE.new.")

    def action_conflicts(self) -> None:
        result = self.last_result
        kept = [*result.kept_edited, *result.conflicts] if result is not None else []
        if not kept:
            self.notify("No conflicts: the last export overwrote nothing you edited.")
            return
        self.app.push_screen(DiffDialog(Path(self._export_dir).expanduser(), sorted(kept)))

    @on(Worker.StateChanged)
    def _worker(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if group not in ("validate", "export"):
            return
        if event.state == WorkerState.SUCCESS:
            if group == "validate":
                self.verdicts = event.worker.result
                self._show_verdicts()
                from launchdeck.app.validate import summary_line

                bad = sum(1 for v in self.verdicts or [] if v.failed)
                self.notify(f"Validators: {summary_line(self.verdicts or [])}.",
                            severity="error" if bad else "information")
            else:
                self.last_result = event.worker.result
                self._show_export(event.worker.result, self._export_dir)
        elif event.state == WorkerState.ERROR:
            what = "Validators" if group == "validate" else "Export"
            self.query_one("#export-result", Static).update(
                Text(f"{what} failed: {event.worker.error}", style="red"))
            if group == "validate":
                self.verdicts = []
                self._show_verdicts()


SCREEN = ExportScreen
