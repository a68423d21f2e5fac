"""Export screen: the files `generate` writes for the target, a preview, validator verdicts, safe export."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static, Tree
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


class ExportScreen(DeckScreen):
    MODE = "export"
    BINDINGS = [
        Binding("x", "export", "Export…"),
        Binding("v", "validate", "Validate"),
        Binding("t", "app.switch_mode('target')", "Target"),
        Binding("d", "app.switch_mode('preflight')", "Preflight"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, str] = {}
        self.verdicts: list[Any] | None = None
        self.last_result: Any = None
        self.selected: str | None = None

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
            yield Label("Validators", classes="title")
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
        summary.update(Text(f"{len(self.files)} files for {self.plan.target}. x exports them (nothing is "
                            "overwritten without asking); v runs the validators."))
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
        table = self.query_one("#verdicts", DataTable)
        table.clear()
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
        from launchdeck.screens.dialogs import ExportDialog

        blockers = [f"{f.service or 'plan'}: {f.message}"
                    for f in startup_blockers(run_preflight(self.plan, source_dir=self.deck.source_dir))]
        default = str(Path.cwd() / "deploy" / self.plan.target)
        self.app.push_screen(ExportDialog(default, self.plan.target, len(self.files), blockers), self._export_answer)

    def _export_answer(self, answer: tuple[str, bool] | None) -> None:
        if answer is None:
            return
        directory, force = answer
        self._export_dir = directory
        self.query_one("#export-result", Static).update(f"Exporting to {directory}…")
        self._export(dict(self.files), directory, force)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="export")
    def _export(self, files: dict[str, str], directory: str, force: bool) -> Any:
        from launchdeck.app.export import export_files

        return export_files(files, Path(directory).expanduser(), force=force)

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
            text.append("\nThe new version of each is next to it as FILE.new; merge by hand, or export with "
                        "force.", style="dim")
        self.query_one("#export-result", Static).update(text)

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
                self._show_export(event.worker.result, getattr(self, "_export_dir", ""))
        elif event.state == WorkerState.ERROR:
            what = "Validators" if group == "validate" else "Export"
            self.query_one("#export-result", Static).update(
                Text(f"{what} failed: {event.worker.error}", style="red"))
            if group == "validate":
                self.verdicts = []
                self._show_verdicts()


SCREEN = ExportScreen
