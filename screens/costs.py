"""Costs screen: the estimate for the plan's target, live, and GCP vs self-host over time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.cost_table import CostTable
from launchdeck.screens.widgets.money import money, money_range, money_short

CHART_MONTHS = 48


def payoff_text(cmp: Any, target: str) -> Text | str:
    """When the self-host box pays for itself against `target`: the low- and high-usage cases."""
    if target == "compose":
        return "— (self-host)"
    row = cmp.row(target)
    if row is None or row.low is None:
        return Text("not possible as planned", style="yellow")
    if target in getattr(cmp, "incomplete", {}):
        return Text("n/a: unpriced lines", style="yellow")
    low_use, high_use = cmp.breakeven.get(target, (None, None))
    life = getattr(cmp, "lifetime_months", 48)
    if low_use is None and high_use is None:
        return f"not within {life} mo (GCP cheaper)"
    if low_use is None:
        return f"{high_use:.0f} mo (high use); low use: never"
    if high_use is None:
        return f"{low_use:.0f} mo (low use); high use: never"
    first, last = sorted((low_use, high_use))
    return f"{first:.0f} months" if round(first) == round(last) else f"{first:.0f}–{last:.0f} months"


def _dollar_ticks(top: float, count: int = 5) -> tuple[list[float], list[str]]:
    """Y-axis ticks from $0 to `top` with $ labels ($0, $2.5k, ...)."""
    if top <= 0:
        return [0.0], ["$0"]
    step = top / (count - 1)
    values = [step * i for i in range(count)]
    return values, [money_short(v) for v in values]


class CostsScreen(DeckScreen):
    MODE = "costs"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("v", "toggle_view", "GCP vs self-host"),
        Binding("r", "refresh_prices", "Refresh prices"),
        Binding("t", "app.switch_mode('target')", "Target"),
        Binding("p", "app.switch_mode('plan')", "Edit plan"),
    ]

    def compose_body(self) -> Iterable[Widget]:
        yield Static(id="catalog-line", classes="muted")
        with TabbedContent(id="cost-tabs", initial="breakdown"):
            with TabPane("Breakdown", id="breakdown"):
                yield CostTable(id="costs")
                yield Static(id="line-detail")
            with TabPane("GCP vs self-host", id="versus"), Horizontal():
                with Vertical(id="versus-left"):
                    yield Label("Monthly cost and break-even against self-hosting", classes="title")
                    yield DataTable(id="compare", cursor_type="row")
                    yield Static(id="selfhost-detail")
                yield Vertical(id="chart-box")
        yield Static(id="costs-state", classes="state")

    def on_mount(self) -> None:
        super().on_mount()
        self._focus_table()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._focus_table()

    def _focus_table(self) -> None:
        """The table of the tab on show has the keys (↓ moves at once, not the tabs)."""
        versus = self.query_one("#cost-tabs", TabbedContent).active == "versus"
        self.query_one("#compare" if versus else "#costs", DataTable).focus()

    # -- recompute ---------------------------------------------------------------------------

    def plan_changed(self) -> None:
        state = self.query_one("#costs-state", Static)
        try:
            from launchdeck.estimators import compare, estimate

            report = estimate(self.plan, target=None, catalog=self.deck.catalog)
            cmp = compare(self.plan, self.deck.catalog)
        except Exception as exc:  # noqa: BLE001 - an estimator problem is a state, not a crash
            state.update(Text(f"Could not estimate: {exc}", style="red"))
            return
        state.update("")
        self.report, self.comparison = report, cmp
        catalog = report.catalog
        self.query_one("#catalog-line", Static).update(
            f" Prices: {getattr(catalog, 'source', '?')} as of {getattr(catalog, 'as_of', '?')} · "
            f"{report.region} · {report.currency} · target {report.target} · r refreshes prices")
        self.query_one(CostTable).show(report)
        self._detail()
        self._show_compare(cmp)

    def _show_compare(self, cmp: Any) -> None:
        table = self.query_one("#compare", DataTable)
        if not table.columns:
            for key, label in (("target", "Target"), ("low", "Low / mo"), ("high", "High / mo"),
                               ("breakeven", "Self-host pays off")):
                table.add_column(label, key=key)
        keys = {str(k.value) for k in table.rows}
        first = not keys
        for row in cmp.rows:
            target, low, high = row.target, row.low, row.high
            cells = {"target": target, "low": Text(money(low), justify="right"),
                     "high": Text(money(high), justify="right"), "breakeven": payoff_text(cmp, target)}
            if target in keys:
                for col, value in cells.items():
                    table.update_cell(target, col, value)
            else:
                table.add_row(*cells.values(), key=target)
        if first and table.row_count:
            table.move_cursor(row=next((i for i, r in enumerate(cmp.rows) if r.target == self.plan.target), 0))
        sh = cmp.selfhost
        text = Text()
        text.append("Self-host: ", style="bold")
        text.append(f"{money(cmp.upfront)} up front, then {money_range(*cmp.running)} a month to run "
                    f"({money_range(sh.total_low, sh.total_high)} with the hardware spread over its lifetime).")
        saving = cmp.monthly_saving.get(self.plan.target)
        if saving is not None:
            text.append(f"\nAgainst {self.plan.target} it saves {money_range(*saving)} a month.")
        low_use, high_use = cmp.breakeven.get(self.plan.target, (None, None))
        if self.plan.target in cmp.incomplete:
            text.append(f"\n{self.plan.target} has unpriced lines: no saving or break-even is claimed.",
                        style="yellow")
        elif low_use is not None or high_use is not None:
            cases = [f"{m:.0f} months at {case} use" for m, case in ((high_use, "high"), (low_use, "low"))
                     if m is not None]
            never = [case for m, case in ((high_use, "high"), (low_use, "low")) if m is None]
            text.append(f" The hardware pays for itself after {' and '.join(cases)}"
                        f"{f' (never at {never[0]} use)' if never else ''}.", style="green")
        elif self.plan.target != "compose":
            text.append(f" {self.plan.target} stays cheaper than buying hardware.", style="yellow")
        self.query_one("#selfhost-detail", Static).update(text)
        self._chart(cmp)

    def _chart(self, cmp: Any) -> None:
        if self.query_one("#cost-tabs", TabbedContent).active != "versus":
            self._chart_stale = True
            return
        self._chart_stale = False
        from textual_plotext import PlotextPlot

        box = self.query_one("#chart-box", Vertical)
        plots = list(box.query(PlotextPlot))
        plot = plots[0] if plots else PlotextPlot(id="chart")
        if not plots:
            box.mount(plot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        months = list(range(CHART_MONTHS + 1))
        chosen = self._chart_target()
        top = 0.0
        for target in dict.fromkeys((chosen, "compose")):
            try:
                series = cmp.cumulative(target, CHART_MONTHS)
            except Exception:  # noqa: BLE001 - a target without a series is left out of the chart
                continue
            if series:
                top = max(top, max(series))
                label = "self-host" if target == "compose" else target
                plt.plot(months[: len(series)], series, label=label, marker="braille")
        values, labels = _dollar_ticks(top)
        plt.yticks(values, labels)
        plt.title(f"Cumulative cost: {chosen} vs self-host (mid estimate)")
        plt.xlabel("months")
        plot.refresh()

    def _chart_target(self) -> str:
        """The target of the row selected in the comparison table (the plan's own before any move)."""
        table = self.query_one("#compare", DataTable)
        if table.row_count and table.cursor_row >= 0:
            return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)
        return self.plan.target

    @on(DataTable.RowHighlighted, "#compare")
    def _compare_moved(self) -> None:
        if hasattr(self, "comparison"):
            self._chart(self.comparison)

    @on(TabbedContent.TabActivated)
    def _tab(self) -> None:
        self._focus_table()
        if getattr(self, "_chart_stale", True) and hasattr(self, "comparison"):
            self.call_after_refresh(self._chart, self.comparison)

    @on(DataTable.RowHighlighted, "#costs")
    def _detail(self) -> None:
        line = self.query_one(CostTable).line_at_cursor()
        detail = self.query_one("#line-detail", Static)
        if line is None:
            text = Text("TOTAL is pinned on top. Move down for each component's notes and cheaper "
                        "alternatives.", style="dim")
            report = getattr(self, "report", None)  # none until the first estimate lands
            missing = [x.label for x in report.unpriced] if report is not None else []
            if missing:
                many = len(missing) > 1
                text.append(f"\nThe total leaves out {len(missing)} unpriced line{'s' if many else ''}: "
                            f"{'; '.join(missing)}. The bundled prices have none for {'them' if many else 'it'}; "
                            f"{'each line says' if many else 'the line says'} why, and `r` fetches live prices.",
                            style="yellow")
            detail.update(text)
            return
        text = Text()
        text.append(f"{line.label}", style="bold")
        text.append(f"  {line.service or ''} {line.kind}  {money_range(line.low, line.high)} / month\n",
                    style="dim")
        if line.notes:
            text.append(line.notes + "\n")
        for alt in line.alternatives:
            text.append(f"  ↓ {alt}\n", style="green")
        detail.update(text)

    # -- actions -----------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        tabs = self.query_one("#cost-tabs", TabbedContent)
        tabs.active = "versus" if tabs.active == "breakdown" else "breakdown"

    def action_show_versus(self) -> None:
        self.query_one("#cost-tabs", TabbedContent).active = "versus"

    def action_refresh_prices(self) -> None:
        self.query_one("#costs-state", Static).update("Refreshing prices from the Cloud Billing Catalog API…")
        self._refresh_prices()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prices", description="prices refresh")
    def _refresh_prices(self) -> Any:
        from launchdeck.estimators.refresh import refresh

        return refresh()

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "prices":
            return
        state = self.query_one("#costs-state", Static)
        if event.state == WorkerState.SUCCESS:
            from launchdeck.estimators import load_catalog

            self.deck.catalog = load_catalog()
            res = event.worker.result
            state.update(Text(f"Prices refreshed: {res.skus_kept} SKUs as of {res.as_of}.", style="green"))
            self.plan_changed()
        elif event.state == WorkerState.ERROR:
            state.update(Text(explain_refresh_error(event.worker.error), style="yellow"))


def explain_refresh_error(exc: BaseException | None) -> str:
    """One line for the refresh failure; the bundled snapshot stays in use."""
    name = type(exc).__name__ if exc else "Error"
    if name == "NoCredentials":
        return f"{exc} Keeping the current price catalog."
    if exc is not None and type(exc).__module__.startswith("google"):
        from launchdeck.app.gcp import explain_google_error

        return f"{explain_google_error(exc, 'the Cloud Billing Catalog API')} Keeping the current prices."
    return f"Prices refresh failed ({exc}); keeping the current catalog."


SCREEN = CostsScreen
