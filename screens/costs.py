"""Costs screen: the estimate for the plan's target, live, and GCP vs self-host over time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.cost_table import CostTable
from launchdeck.screens.widgets.money import money, money_range

CHART_MONTHS = 48


class CostsScreen(DeckScreen):
    MODE = "costs"
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
                               ("breakeven", "Self-host pays off after")):
                table.add_column(label, key=key)
        keys = {str(k.value) for k in table.rows}
        for row in cmp.rows:
            target, low, high = row.target, row.low, row.high
            months = cmp.breakeven_months.get(target) if target != "compose" else None
            if target == "compose":
                payoff = "— (self-host)"
            elif low is None:
                payoff = Text("not possible as planned", style="yellow")
            elif target in getattr(cmp, "incomplete", {}):
                payoff = Text("n/a: unpriced lines", style="yellow")
            elif months is None:
                payoff = f"never within {cmp.lifetime_months} months"
            else:
                payoff = f"{months:.0f} months"
            cells = {"target": target, "low": Text(money(low), justify="right"),
                     "high": Text(money(high), justify="right"), "breakeven": payoff}
            if target in keys:
                for col, value in cells.items():
                    table.update_cell(target, col, value)
            else:
                table.add_row(*cells.values(), key=target)
        sh = cmp.selfhost
        text = Text()
        text.append("Self-host: ", style="bold")
        text.append(f"{money(cmp.upfront)} up front, then {money_range(*cmp.running)} a month to run "
                    f"({money_range(sh.total_low, sh.total_high)} with the hardware spread over its lifetime).")
        saving = cmp.monthly_saving.get(self.plan.target)
        if saving is not None:
            text.append(f"\nAgainst {self.plan.target} it saves {money_range(*saving)} a month.")
        months = cmp.breakeven_months.get(self.plan.target)
        if self.plan.target in cmp.incomplete:
            text.append(f"\n{self.plan.target} has unpriced lines: no saving or break-even is claimed.",
                        style="yellow")
        elif months is not None:
            text.append(f" The hardware pays for itself after about {months:.0f} months.", style="green")
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
        for target in (self.plan.target, "compose"):
            try:
                series = cmp.cumulative(target, CHART_MONTHS)
            except Exception:  # noqa: BLE001 - a target without a series is left out of the chart
                continue
            plt.plot(months[: len(series)], series, label=target, marker="braille")
        plt.title("Cumulative cost, USD (mid estimate)")
        plt.xlabel("months")
        plot.refresh()

    @on(TabbedContent.TabActivated)
    def _tab(self) -> None:
        if getattr(self, "_chart_stale", True) and hasattr(self, "comparison"):
            self.call_after_refresh(self._chart, self.comparison)

    @on(DataTable.RowHighlighted, "#costs")
    def _detail(self) -> None:
        line = self.query_one(CostTable).line_at_cursor()
        detail = self.query_one("#line-detail", Static)
        if line is None:
            detail.update(Text("TOTAL is pinned on top. Move down for each component's notes and cheaper "
                               "alternatives.", style="dim"))
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
