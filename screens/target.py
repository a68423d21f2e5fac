"""Target screen: the five deploy targets, when each fits, and what this plan costs on each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.money import money_range, short_range

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

    def __init__(self) -> None:
        super().__init__()
        self._totals: dict[str, tuple[float | None, float | None]] = {}
        self._checks: dict[str, tuple[int, int] | None] = {}  # target -> (errors, warnings) from preflight

    def compose_body(self) -> Iterable[Widget]:
        yield Label("Where should this plan run? (monthly USD, low–high for your usage ranges)", classes="title")
        yield DataTable(id="targets", cursor_type="row")
        yield Static(id="target-detail")
        yield Static(id="target-state", classes="state")

    def on_mount(self) -> None:
        table = self.query_one("#targets", DataTable)
        for key, label in (("current", " "), ("target", "Target"), ("fits", "Fits when"),
                           ("monthly", "Monthly"), ("check", "Preflight")):
            table.add_column(label, key=key)
        from launchdeck.app.targets import TARGETS

        for target in TARGETS:
            table.add_row("", target, FITS[target], "…", "…", key=target)
        super().on_mount()
        table.move_cursor(row=TARGETS.index(self.plan.target))
        table.focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.query_one("#targets", DataTable).focus()

    def on_resize(self) -> None:
        self._fill()

    def plan_changed(self) -> None:
        state = self.query_one("#target-state", Static)
        try:
            self._totals = self._estimate()
            state.update("")
        except Exception as exc:  # noqa: BLE001 - shown as a state, the choice still works
            self._totals = {}
            state.update(f"Estimates unavailable: {exc}")
        self._checks = {}
        self._fill()
        self._describe()
        self._preflight_all()

    def _fill(self) -> None:
        """Write every cell for the current width: narrow terminals get shorter figures and a
        shorter "fits when", never a cut number."""
        from launchdeck.app.targets import TARGETS

        if self.deck.plan is None:
            return
        table = self.query_one("#targets", DataTable)
        narrow = self.size.width < 110
        money = [money_range(*self._totals.get(t, (None, None))) if not narrow else
                 short_range(*self._totals.get(t, (None, None))) for t in TARGETS]
        checks = [self._check_text(t, narrow) for t in TARGETS]
        # Each column is its widest cell plus one space each side; the table has a margin of 1 each side.
        widths = (1, max(len(t) for t in TARGETS), max(map(len, money)), max(9, *(len(c) for c in checks)))
        used = sum(w + 2 for w in widths) + 2 + 2 + 1
        room = max(12, self.size.width - used) if self.size.width else 60
        for target, cost, check in zip(TARGETS, money, checks, strict=True):
            fits = FITS[target] if len(FITS[target]) <= room else FITS[target][:room - 1] + "…"
            table.update_cell(target, "current", Text("●", style="bold green") if target == self.plan.target else "")
            table.update_cell(target, "fits", fits)
            table.update_cell(target, "monthly", Text(cost, justify="right"))
            table.update_cell(target, "check", check)

    def _check_text(self, target: str, narrow: bool) -> Text:
        counts = self._checks.get(target)
        if counts is None:
            return Text("…" if target not in self._checks else "—", style="dim")
        errors, warnings = counts
        text = Text()
        text.append(f"✗ {errors}" if narrow else f"{errors} error{'s' if errors != 1 else ''}",
                    style="bold red" if errors else "green")
        text.append(" · " if narrow else ", ")
        text.append(f"⚠ {warnings}" if narrow else f"{warnings} warning{'s' if warnings != 1 else ''}",
                    style="yellow" if warnings else "green")
        return text

    def _estimate(self) -> dict[str, tuple[float | None, float | None]]:
        from launchdeck.estimators import compare

        cmp = compare(self.plan, self.deck.catalog)
        return {row.target: (row.low, row.high) for row in cmp.rows}

    def _preflight_all(self) -> None:
        """Preflight the plan on every target in a worker: the Preflight column fills in when done."""
        plan, source = self.plan, self.deck.source_dir

        def work() -> None:
            from launchdeck.app.preflight import run_preflight
            from launchdeck.app.targets import TARGETS

            counts: dict[str, tuple[int, int] | None] = {}
            for target in TARGETS:
                try:
                    findings = run_preflight(plan, target=target, source_dir=source)
                except Exception:  # noqa: BLE001 - the Preflight screen shows why for its target
                    counts[target] = None
                    continue
                counts[target] = (sum(f.severity == "error" for f in findings),
                                  sum(f.severity == "warning" for f in findings))
            self.app.call_from_thread(self._checked, plan, counts)

        self.run_worker(work, thread=True, exclusive=True, group="target-preflight", exit_on_error=False,
                        description="preflight on every target")

    def _checked(self, plan: Any, counts: dict[str, tuple[int, int] | None]) -> None:
        if plan is not self.deck.plan:
            return  # the plan changed meanwhile: a newer run is on its way
        self._checks = counts
        self._fill()
        self._describe()

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
        counts = self._checks.get(target)
        if counts is not None:
            errors, warnings = counts
            text.append(f"\nPreflight on {target}: ", style="bold")
            text.append(f"{errors} error{'s' if errors != 1 else ''}", style="bold red" if errors else "green")
            text.append(f", {warnings} warning{'s' if warnings != 1 else ''}"
                        f"{' (4 on this target lists them)' if target == self.plan.target and errors + warnings else ''}")
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
