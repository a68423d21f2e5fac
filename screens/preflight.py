"""Preflight screen: findings grouped by severity; enter jumps to the setting a finding concerns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static, Tree

from launchdeck.screens.base import DeckScreen

GROUPS = (("error", "✗ Errors", "bold red"), ("warning", "⚠ Warnings", "bold yellow"), ("info", "ℹ Info", "bold cyan"))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class PreflightScreen(DeckScreen):
    MODE = "preflight"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("g", "jump", "Go to setting (enter)"),
        Binding("r", "rerun", "Re-run"),
        Binding("t", "app.switch_mode('target')", "Target"),
        Binding("x", "app.switch_mode('export')", "Export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Any] = []

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="preflight-summary", classes="title")
        with Horizontal(id="preflight-body"):
            tree: Tree[Any] = Tree("findings", id="findings")
            tree.show_root = False
            yield tree
            with VerticalScroll(id="finding-pane"):
                yield Label("Finding", classes="title")
                yield Static(id="finding-detail")

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.query_one("#findings", Tree).focus()  # ↓ moves through the findings at once

    def plan_changed(self) -> None:
        summary = self.query_one("#preflight-summary", Static)
        try:
            from launchdeck.app.preflight import run_preflight

            self.findings = run_preflight(self.plan, target=None, source_dir=self.deck.source_dir)
        except Exception as exc:  # noqa: BLE001 - a failing check is shown, not raised
            summary.update(Text(f"Preflight could not run: {exc}", style="red"))
            return
        tree = self.query_one("#findings", Tree)
        tree.clear()
        counts = {sev: sum(1 for f in self.findings if f.severity == sev) for sev, _, _ in GROUPS}
        first = None
        for sev, label, style in GROUPS:
            group = [f for f in self.findings if f.severity == sev]
            if not group:
                continue
            node = tree.root.add(Text(f"{label} ({len(group)})", style=style), expand=True, data=None)
            for finding in group:
                who = f"[{finding.service}] " if finding.service else ""
                leaf = node.add_leaf(Text(f"{who}{finding.message}", overflow="ellipsis", no_wrap=True),
                                     data=finding)
                first = first or leaf
        text = Text(f"Preflight for {self.plan.target}: ")
        text.append(_count(counts["error"], "error"), style="red" if counts["error"] else "green")
        text.append(f", {_count(counts['warning'], 'warning')}, {_count(counts['info'], 'note')}")
        if not self.findings:
            text.append(" — nothing found; ready to export.", style="green")
        summary.update(text)
        self._describe(None)
        if first is not None:
            # Start on the first finding so its fix is on screen straight away.
            self.call_after_refresh(lambda: tree.move_cursor(first))

    @on(Tree.NodeHighlighted, "#findings")
    def _highlight(self, event: Tree.NodeHighlighted[Any]) -> None:
        self._describe(event.node.data)

    def _describe(self, finding: Any) -> None:
        detail = self.query_one("#finding-detail", Static)
        if finding is None:
            detail.update(Text("Move onto a finding to see what it means and how to fix it. "
                               "Enter jumps to the setting on the Plan screen.", style="dim"))
            return
        text = Text()
        style = {"error": "bold red", "warning": "bold yellow"}.get(finding.severity, "bold cyan")
        text.append(f"{finding.severity.upper()}  ", style=style)
        text.append(f"{finding.id}\n\n", style="bold")
        if finding.service:
            text.append("Service: ", style="bold")
            text.append(f"{finding.service}\n")
        text.append(f"{finding.message}\n\n")
        text.append("Fix: ", style="bold green")
        text.append(f"{finding.fix}\n")
        if finding.path:
            text.append(f"\nSetting: {finding.path}  (enter to edit it)", style="dim")
        detail.update(text)

    @on(Tree.NodeSelected, "#findings")
    def _selected(self, event: Tree.NodeSelected[Any]) -> None:
        if event.node.data is not None:
            self._jump(event.node.data)

    def action_jump(self) -> None:
        node = self.query_one("#findings", Tree).cursor_node
        if node is not None and node.data is not None:
            self._jump(node.data)

    def _jump(self, finding: Any) -> None:
        path = finding.path or (f"services.{finding.service}" if finding.service else None)
        if not path:
            self.notify("This finding is about the plan as a whole; see its fix.")
            return
        self.deck.action_jump_to_setting(path)

    def action_rerun(self) -> None:
        self.plan_changed()
        self.notify(f"Preflight: {len(self.findings)} findings.")


SCREEN = PreflightScreen
