"""A log view on the Line API: only the visible lines are rendered, hinted lines carry a gutter mark.

Lines arrive in batches (one `add` per UI tick) and are kept in a bounded deque (`max_lines`).
The view follows the tail while the user is at the bottom; scrolled up, it counts new lines instead.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

SEVERITY_RANK = {"debug": 0, "info": 1, "notice": 1, "warning": 2, "error": 3, "critical": 4}
SEVERITY_STYLE = {"warning": "yellow", "error": "red", "critical": "bold red"}
HINT_MARK = {"error": ("◆", "bold red"), "warning": ("◆", "bold yellow")}


@dataclass(slots=True)
class Entry:
    text: str  # already redacted
    severity: str
    hint: Any = None  # app.hints Hint | None
    source: str = ""
    seq: int = 0  # the line's number in its source (from 1)
    first: int | None = None  # an earlier line (seq) this one repeats or continues (one traceback)
    cause: tuple[int, str] | None = None  # (seq, hint id) of the root cause of this symptom

    @property
    def rank(self) -> int:
        """Severity for the filter: a hinted line counts at least at its hint's severity, so
        `error+` keeps `exec format error` even when the raw line has no level."""
        own = SEVERITY_RANK.get(self.severity, 1)
        if self.hint is not None:
            return max(own, SEVERITY_RANK.get(getattr(self.hint, "severity", "info"), 1))
        return own


class LogView(ScrollView, can_focus=True):
    """Bounded, filterable, cursor-driven log lines with inline hint markers."""

    DEFAULT_CSS = """
    /* No horizontal scrollbar: lines end in an ellipsis. One that came and went with the vertical
       one changed the height the cursor is centred in (a snapshot flaked on it under load). */
    LogView { height: 1fr; background: $surface; overflow-x: hidden; }
    LogView:focus { background-tint: $foreground 3%; }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-20)", "Page up", show=False),
        Binding("pagedown", "cursor(20)", "Page down", show=False),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "bottom", "Bottom", show=False),
        Binding("enter", "select", "Show hint", show=False),
    ]

    cursor: reactive[int] = reactive(-1, init=False)

    class Highlighted(Message):
        """The cursor moved onto a line (carries its hint, if any)."""

        def __init__(self, entry: Entry | None) -> None:
            super().__init__()
            self.entry = entry

    class Selected(Highlighted):
        """Enter was pressed on a line."""

    def __init__(self, max_lines: int = 10_000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_lines = max_lines
        self.entries: deque[Entry] = deque(maxlen=max_lines)
        self.shown: deque[Entry] = deque(maxlen=max_lines)
        self.filter_text = ""
        self.min_severity = 0
        self.follow = True
        self.new_lines = 0  # arrived while the user was scrolled up or paused
        self.total_seen = 0
        self.hinted = 0  # hinted lines among `shown`, kept incrementally
        self._cache: dict[tuple[int, bool, int], Strip] = {}

    # -- data --------------------------------------------------------------------------------

    def _set_height(self, lines: int) -> None:
        """Set the virtual height. Setting `virtual_size` re-lays out the whole screen, which at 15
        batches a second is the main cost; once the scrollbar is showing, only the scrollbar and this
        widget change, so update those directly (through the scrollbar's public reactives)."""
        new = Size(self.size.width, lines)
        old = self.virtual_size
        height = self.size.height
        if old.width == new.width and old.height > height and lines > height and self.show_vertical_scrollbar:
            self.set_reactive(ScrollView.virtual_size, new)
            bar = self.vertical_scrollbar
            bar.window_virtual_size = lines
            bar.window_size = self.container_size.height - self.scrollbar_size_horizontal
            if self.scroll_y > self.max_scroll_y:  # fewer lines than before (never while appending)
                self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            self.refresh()
        else:
            self.virtual_size = new

    def _matches(self, entry: Entry) -> bool:
        if entry.rank < self.min_severity:
            return False
        return not self.filter_text or self.filter_text in entry.text.lower()

    def add(self, batch: list[Entry]) -> None:
        """Append a batch of lines: one refresh for the whole batch."""
        if not batch:
            return
        self.entries.extend(batch)
        self.total_seen += len(batch)
        matched = [e for e in batch if self._matches(e)]
        if not matched:
            return
        dropped = max(0, len(self.shown) + len(matched) - self.max_lines)
        if dropped:
            gone = min(dropped, len(self.shown))
            self.hinted -= sum(1 for i in range(gone) if self.shown[i].hint is not None)
        self.hinted += sum(1 for e in matched[max(0, dropped - len(self.shown)):] if e.hint is not None)
        self.shown.extend(matched)
        if dropped:
            self._cache.clear()
            if self.cursor >= 0:
                self.set_reactive(LogView.cursor, max(0, self.cursor - dropped))
        self._set_height(len(self.shown))
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.new_lines = 0
        else:
            self.new_lines += len(matched)
            if dropped and not self.follow:
                self.scroll_to(y=max(0, self.scroll_offset.y - dropped), animate=False, immediate=True)
        self.refresh()

    def set_filter(self, text: str | None = None, min_severity: int | None = None) -> None:
        if text is not None:
            self.filter_text = text.lower()
        if min_severity is not None:
            self.min_severity = min_severity
        self.shown = deque((e for e in self.entries if self._matches(e)), maxlen=self.max_lines)
        self.hinted = sum(1 for e in self.shown if e.hint is not None)
        self._cache.clear()
        self.set_reactive(LogView.cursor, -1)
        self.virtual_size = Size(self.size.width, len(self.shown))
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.new_lines = 0
        self.refresh()

    def clear(self) -> None:
        self.entries.clear()
        self.shown.clear()
        self.hinted = 0
        self._cache.clear()
        self.new_lines = self.total_seen = 0
        self.set_reactive(LogView.cursor, -1)
        self.virtual_size = Size(self.size.width, 0)
        self.scroll_home(animate=False, immediate=True)
        self.refresh()

    def current(self) -> Entry | None:
        if 0 <= self.cursor < len(self.shown):
            return self.shown[self.cursor]
        return None

    # -- rendering ---------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.shown))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= len(self.shown):
            return Strip.blank(width, self.rich_style)
        entry = self.shown[index]
        key = (id(entry), index == self.cursor, width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_entry(entry, index == self.cursor, width)
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[key] = strip
        return strip

    def _render_entry(self, entry: Entry, is_cursor: bool, width: int) -> Strip:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if entry.hint is not None:
            mark, style = HINT_MARK.get(getattr(entry.hint, "severity", "error"), ("◆", "bold cyan"))
            text.append(f"{mark} ", style=style)
        else:
            text.append("  ")
        text.append(entry.text, style=SEVERITY_STYLE.get(entry.severity, ""))
        if entry.hint is not None:
            if entry.cause is not None:
                text.append(f"  ← symptom of line {entry.cause[0]} ({entry.cause[1]})", style="italic cyan")
            elif entry.first is not None:
                text.append(f"  ← again, as line {entry.first}", style="italic cyan")
            else:
                text.append(f"  ← {entry.hint.title}", style="italic cyan")
        segments = list(text.render(self.app.console))
        base = self.rich_style
        if is_cursor:
            base = base + Style(bgcolor="grey30")
            segments = list(Segment.apply_style(segments, base))
        else:  # every segment needs a style object: Textual's NO_COLOR filter reads `.color` of each
            segments = [seg if seg.style is not None else Segment(seg.text, Style.null(), seg.control)
                        for seg in segments]
        return Strip(segments).crop_extend(0, width, base)

    # -- cursor ------------------------------------------------------------------------------

    def on_mouse_scroll_up(self) -> None:
        self.follow = False  # reading back: stop following, count what arrives instead

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        if new >= 0:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True, force=True)
        self.post_message(self.Highlighted(self.current()))

    def action_cursor(self, delta: int) -> None:
        if not self.shown:
            return
        start = self.cursor if self.cursor >= 0 else self.scroll_offset.y + self.size.height - 1
        self.cursor = max(0, min(len(self.shown) - 1, start + delta))
        if self.cursor < len(self.shown) - 1:
            self.follow = False

    def action_top(self) -> None:
        if self.shown:
            self.follow = False
            self.cursor = 0

    def action_bottom(self) -> None:
        if self.shown:
            self.cursor = len(self.shown) - 1
        self.follow = True
        self.new_lines = 0
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def action_select(self) -> None:
        self.post_message(self.Selected(self.current()))

    def jump_to_seq(self, seq: int) -> bool:
        """Move the cursor to the shown line with this source line number; False if not shown."""
        for i, e in enumerate(self.shown):
            if e.seq == seq:
                self.follow = False
                self.cursor = i
                self._center(i)
                return True
        return False

    def apply_causes(self, updates: list) -> None:
        """Root causes that arrived after their symptoms: attach them and redraw."""
        want = {int(seq): (int(c[0]), str(c[1])) for seq, c in updates}
        for e in self.entries:
            if e.seq in want and e.cause is None:
                e.cause = want[e.seq]
        self._cache.clear()
        self.refresh()

    def _center(self, index: int) -> None:
        """Scroll so line `index` sits mid-view. Computed from the index alone: Textual's centring
        rounds from the current offset, so a view that was at the top landed one line off from one
        that was at the bottom (which of the two depended on timing: a snapshot flaked on it)."""
        height = self.scrollable_content_region.height
        y = max(0, min(index - (height - 1) // 2, int(self.max_scroll_y)))
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def next_hint(self) -> bool:
        """Move the cursor to the next hinted line (wrapping); False when there is none."""
        n = len(self.shown)
        start = self.cursor + 1 if self.cursor >= 0 else 0
        for step in range(n):
            i = (start + step) % n
            if self.shown[i].hint is not None:
                self.follow = False
                self.cursor = i
                self._center(i)
                return True
        return False
