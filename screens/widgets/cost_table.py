"""The cost DataTable: built once, then updated cell by cell as the plan changes (no flicker)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from launchdeck.screens.widgets.money import money

TOTAL = "__total__"
COLUMNS = (("component", "Component"), ("kind", "Kind"), ("low", "Low / mo"), ("high", "High / mo"),
           ("notes", "Notes"))


def _money_cell(value: float | None, free: bool = False) -> Text:
    style = "green" if free else ""
    return Text(money(value), justify="right", style=style)


class CostTable(DataTable[Any]):
    """Keyed columns, one row per `CostLine.component`, and a pinned total row on top."""

    DEFAULT_CSS = """
    CostTable { height: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, fixed_rows=1, **kwargs)
        self.lines: dict[str, Any] = {}
        self._room = 0  # widest component label that leaves the figures on screen (0: no limit)
        self._report: Any = None

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key)
        self.add_row(Text("TOTAL", style="bold"), "", _money_cell(None), _money_cell(None), "", key=TOTAL)

    def _cells(self, line: Any) -> dict[str, Any]:
        free = line.kind == "free-tier"
        note = (line.notes or "").splitlines()[0] if line.notes else ""
        if line.alternatives:
            note = f"{note}  ↓ cheaper option" if note else "↓ cheaper option"
        label = line.label
        if self._room and len(label) > self._room:
            label = label[: self._room - 1] + "…"  # the name gives way, never a figure
        return {
            "component": label,
            "kind": line.kind,
            "low": _money_cell(line.low, free),
            "high": _money_cell(line.high, free),
            "notes": note,
        }

    def show(self, report: Any) -> None:
        """Bring the table to `report`: update changed cells, add and remove only changed rows."""
        self._report = report
        new = {line.component: line for line in report.lines}
        for key in [k for k in self.lines if k not in new]:
            self.remove_row(key)
        for key, line in new.items():
            cells = self._cells(line)
            if key in self.lines:
                old = self._cells(self.lines[key])
                for col, value in cells.items():
                    if str(old[col]) != str(value) or col in ("low", "high"):
                        self.update_cell(key, col, value)
            else:
                self.add_row(*cells.values(), key=key)
        self.lines = new
        total = Text("TOTAL", style="bold")
        self.update_cell(TOTAL, "component", total)
        self.update_cell(TOTAL, "low", Text(money(report.total_low), justify="right", style="bold"))
        self.update_cell(TOTAL, "high", Text(money(report.total_high), justify="right", style="bold"))
        notes = Text(f"{report.currency} per month · {report.target}")
        missing = [line.label for line in report.unpriced]
        if missing:
            notes.append(f" · leaves out unpriced: {', '.join(missing)}", style="yellow")
        self.update_cell(TOTAL, "notes", notes)

    def on_resize(self) -> None:
        # Kind, low, high (and a little of the notes) keep their room; the component name takes the rest.
        room = max(16, self.size.width - (12 + 2 * 12 + 5 * 2 + 2)) if self.size.width < 110 else 0
        if room != self._room:
            self._room = room
            if self.lines and self._report is not None:
                # A column keeps the width of its widest cell ever: build the rows again to narrow it.
                row = self.cursor_row
                self.clear(columns=True)
                self.lines = {}
                self.on_mount()
                self.show(self._report)
                self.move_cursor(row=row)

    def line_at_cursor(self) -> Any | None:
        if self.cursor_row < 0 or not self.row_count:
            return None
        key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        return self.lines.get(str(key))
