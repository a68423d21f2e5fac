"""Target screen: the five deploy targets, when each fits, and what this plan costs on each."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.money import money_range

# One line each on when a target fits (lessons from real migrations: workers as Jobs, GKE for
# long-lived sockets, self-host for a fixed cost).
FITS: dict[str, str] = {
    "cloud-run": "web/API that can scale to zero; workers always on",
    "cloud-run-jobs": "queue workers and batch tasks as Jobs: pay while busy",
    "gke-autopilot": "long-lived websockets, steady workers; per-pod billing",
    "gke-standard": "big constant load; you size the nodes yourself",
    "compose": "self-host (TrueNAS/compose): fixed monthly cost",
}
MORE: dict[str, str] = {
    "cloud-run": "Web and API services become Cloud Run services that scale to zero between requests; a "
                 "Celery-style worker becomes a worker pool: no port, a fixed instance count billed all month.",
    "cloud-run-jobs": "Web services stay on Cloud Run; workers and one-off tasks become Cloud Run Jobs that run to "
                      "completion (triggered or scheduled), so you pay only while they work.",
    "gke-autopilot": "Pods on a managed GKE cluster, billed per pod resource request. Suits long-lived websocket "
                     "connections and always-busy workers; adds a cluster fee and more moving parts.",
    "gke-standard": "You choose and pay for the nodes. Cheapest per vCPU when the load is large and constant; "
                    "you manage node pools, upgrades and bin-packing.",
    "compose": "A docker-compose file for your own box (e.g. TrueNAS). Cost is fixed (hardware over its lifetime "
               "plus power); you own backups, updates and uptime.",
}


class TargetScreen(DeckScreen):
    MODE = "target"
    BINDINGS = [
        Binding("enter,space", "choose", "Choose target"),
        Binding("c", "app.switch_mode('costs')", "Costs"),
        Binding("x", "app.switch_mode('export')", "Export files"),
    ]

    def compose_body(self) -> Iterable[Widget]:
        yield Label("Where should this plan run? (monthly USD, low–high for your usage ranges)", classes="title")
        yield DataTable(id="targets", cursor_type="row")
        yield Static(id="target-detail")
        yield Static(id="target-state", classes="state")

    def on_mount(self) -> None:
        table = self.query_one("#targets", DataTable)
        for key, label in (("current", " "), ("target", "Target"), ("fits", "Fits when"),
                           ("monthly", "Monthly"), ("check", "Limits")):
            table.add_column(label, key=key)
        from launchdeck.app.plan import TARGETS

        for target in TARGETS:
            table.add_row("", target, FITS[target], "…", "", key=target)
        super().on_mount()
        table.move_cursor(row=TARGETS.index(self.plan.target))

    def plan_changed(self) -> None:
        from launchdeck.app.plan import TARGETS, target_problems

        table = self.query_one("#targets", DataTable)
        state = self.query_one("#target-state", Static)
        totals: dict[str, tuple[float | None, float | None]] = {}
        try:
            totals = self._totals()
            state.update("")
        except Exception as exc:  # noqa: BLE001 - shown as a state, the choice still works
            state.update(f"Estimates unavailable: {exc}")
        for target in TARGETS:
            problems = target_problems(self.plan, target)
            table.update_cell(target, "current", Text("●", style="bold green") if target == self.plan.target else "")
            low, high = totals.get(target, (None, None))
            table.update_cell(target, "monthly", Text(money_range(low, high), justify="right"))
            table.update_cell(target, "check", Text(f"{len(problems)} to fix", style="yellow") if problems
                              else Text("ok", style="green"))
        self._describe()

    def _totals(self) -> dict[str, tuple[float | None, float | None]]:
        from launchdeck.estimators import compare

        cmp = compare(self.plan, self.deck.catalog)
        return {row.target: (row.low, row.high) for row in cmp.rows}

    @on(DataTable.RowHighlighted, "#targets")
    def _describe(self) -> None:
        from launchdeck.app.plan import target_problems

        table = self.query_one("#targets", DataTable)
        if table.cursor_row < 0 or not table.row_count:
            return
        target = str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)
        problems = target_problems(self.plan, target)
        text = Text()
        text.append(f"{target}: ", style="bold")
        text.append(MORE[target])
        if problems:
            text.append("\nTo use it, first change on the Plan screen:\n", style="yellow")
            for path, msg in problems[:6]:
                text.append(f"  • {'.'.join(map(str, path))}: {msg}\n")
        elif target == self.plan.target:
            text.append("\nThis is the plan's target. Costs, Preflight and Export follow it.", style="green")
        else:
            text.append("\nPress enter to choose it.", style="dim")
        self.query_one("#target-detail", Static).update(text)

    @on(DataTable.RowSelected, "#targets")
    def _selected(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        table = self.query_one("#targets", DataTable)
        target = str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)
        self.choose(target)

    def action_choose_target(self, target: str) -> None:
        self.choose(target)

    def choose(self, target: str) -> None:
        from launchdeck.app.planfile import PlanFileError, plan_from_doc

        if target == self.plan.target:
            self.notify(f"{target} is already the target.")
            return
        data = self.plan.model_dump(exclude_unset=True)  # defaults stay defaults (see PlanScreen._apply)
        data["target"] = target
        try:
            new = plan_from_doc(data, "target")
        except PlanFileError as exc:
            first = exc.errors[0]
            self.notify(f"{target} needs changes first: {first.path}: {first.message}", severity="warning",
                        timeout=8)
            return
        self.deck.set_plan(new)
        self.notify(f"Target set to {target}. Save with ctrl+s.")


SCREEN = TargetScreen
