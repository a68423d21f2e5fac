"""Logs screen: tail a source with inline hints, filter, pause/follow, and live service status.

The source runs in a child process (`launchdeck.app.logsources.tail_child`: reading, redaction and hint matching
there, so a 5,000 lines/s burst never competes with the UI for the GIL); a thread moves its batches
into a deque; a 1/15 s timer drains the deque into the LogView in one batch per tick.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.log_view import SEVERITY_RANK, Entry, LogView

MAX_LINES = 10_000
PENDING_CAP = 20_000  # producer waits when the UI falls this far behind (backpressure)
TICK = 1 / 15
SEVERITIES = (("all", 0), ("info+", 1), ("warning+", 2), ("error+", 3))


def _redact(text: str) -> str:
    """Mask secrets in text we compose ourselves (source lines arrive redacted already)."""
    try:
        from launchdeck.app.redact import redact
    except ImportError:
        return text
    return redact(text)


class LogsScreen(DeckScreen):
    MODE = "logs"
    AUTO_FOCUS = "LogView"
    # Below 110 columns the hint/status pane moves under the log, so log text keeps the full width.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("s", "pick_source", "Source"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("f", "toggle_follow", "Pause/follow"),
        Binding("n", "next_hint", "Next hint"),
        Binding("r", "refresh_status", "Status", show=False),  # the status panel says "r refreshes"
        Binding("p", "set_project", "Set project", show=False),  # offered by the status panel without one
        Binding("escape", "focus_log", "Log", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pending: deque[Entry] = deque()
        # Each source switch starts a new generation; a reader thread of an older one (still
        # finishing its last read) can no longer add lines to the new view or change its state.
        self._generation = 0
        self._pending_lock = threading.Lock()
        self.source_spec = ""
        self.source_state = ""
        self._seen = 0  # lines received from the current source (their sequence numbers)
        self._updates: deque[list] = deque()  # late root causes, applied on the UI thread
        self.statuses: list[Any] = []
        self.missing_project = False  # the status panel waits for the plan's project

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="log-controls"):
            yield Label("Source", classes="ctl-label")
            yield Input(id="source", placeholder="file:PATH | cloud-run:SERVICE | cloud-run-job:JOB | compose | "
                        "kubectl:SELECTOR", compact=True)
            yield Label("Filter", classes="ctl-label")
            yield Input(id="filter", placeholder="text", compact=True)
            yield Select([(label, rank) for label, rank in SEVERITIES], value=0, allow_blank=False, id="severity",
                         compact=True)
        with Horizontal(id="log-body"):
            with Vertical(id="log-pane"):
                yield LogView(max_lines=MAX_LINES, id="log")
                yield Static(id="log-state")
            with Vertical(id="side-pane"):
                yield Label("Hint", classes="title")
                with VerticalScroll(id="hint-box"):
                    yield Static(id="hint")
                yield Label("Cloud Run status", classes="title")
                yield DataTable(id="status", cursor_type="row")
                yield Static(id="status-state", classes="muted")

    def on_mount(self) -> None:
        table = self.query_one("#status", DataTable)
        for key, label in (("name", "Service"), ("state", "State"), ("revision", "Latest ready")):
            table.add_column(label, key=key)
        super().on_mount()
        self.set_interval(TICK, self._drain, name="log drain")
        self._show_hint(None)
        self.query_one(LogView).focus()
        self.start_source(self.deck.log_source)
        self.action_refresh_status(quiet=True)

    def plan_changed(self) -> None:
        """Sources and status come from the plan's services; only a project set since the status
        panel asked for one calls for a new look."""
        if self.missing_project and self.plan.project:
            self.action_refresh_status(quiet=True)

    # -- the source --------------------------------------------------------------------------

    def start_source(self, spec: str) -> None:
        spec = spec.strip()
        if not spec:
            return
        self.source_spec = spec
        self.query_one("#source", Input).value = spec
        generation = self._new_view()
        self._seen = 0
        self.query_one(LogView).follow = True
        self.source_state = f"reading {spec}"
        self._tail(spec, generation)

    def _new_view(self) -> int:
        """Empty the log for a new source; returns the generation its lines must carry."""
        with self._pending_lock:
            self._generation += 1
            self.pending.clear()
        self._updates.clear()
        self.query_one(LogView).clear()
        self._show_hint(None)  # the pane belongs to the old source's line
        return self._generation

    def _accept(self, generation: int, entries: Iterable[Entry]) -> bool:
        """Queue lines from the source of `generation`; False once the view moved to another source."""
        with self._pending_lock:
            if generation != self._generation:
                return False
            self.pending.extend(entries)
            return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="tail", description="log tail")
    def _tail(self, spec: str, generation: int) -> None:
        """Run the source in a child process (`launchdeck.app.logsources.tail_child`) and move its batches into `pending`."""
        import json
        import os
        import select
        import subprocess
        import sys

        from launchdeck.app.hints import load_hints

        worker = get_current_worker()
        hints = {h.id: h for h in load_hints()}
        plan = self.plan
        proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "launchdeck.app.logsources.tail_child", spec, plan.project or "",
             plan.region or ""],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "LAUNCHDECK_TAIL_PARENT": str(os.getpid()),
                 # cwd stays the user's, for relative file: and compose paths; -P keeps it off sys.path
                 },
        )
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        buffer = b""
        try:
            while not worker.is_cancelled:
                if len(self.pending) > PENDING_CAP:  # the UI is behind: stop reading, the child blocks
                    time.sleep(0.02)
                    continue
                ready, _, _ = select.select([fd], [], [], 0.1)
                if not ready:
                    continue
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise SourceStopped("the log reader stopped unexpectedly")
                *complete, buffer = (buffer + chunk).split(b"\n")
                for raw in complete:
                    message = json.loads(raw)
                    if generation != self._generation:
                        return  # the view shows another source now
                    if "lines" in message:
                        seq0 = self._seen
                        entries = [Entry(text, sev, hints.get(hid) if hid else None, src, seq0 + k + 1, first,
                                         tuple(cause) if cause else None)
                                   for k, (text, sev, src, hid, first, cause) in enumerate(message["lines"])]
                        self._seen += len(entries)
                        self._accept(generation, entries)
                    elif "updates" in message:
                        self._updates.append(message["updates"])
                    elif "error" in message:
                        raise SourceStopped(message["error"])
                    else:
                        self.source_state = f"end of {spec}"
                        return
        finally:
            proc.stdout.close()
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()

    def _drain(self) -> None:
        log = self.query_one(LogView)
        if self.pending:
            n = min(len(self.pending), 5_000)
            batch = [self.pending.popleft() for _ in range(n)]
            log.add(batch)
        while self._updates:
            log.apply_causes(self._updates.popleft())
        self._update_state()

    def _update_state(self) -> None:
        log = self.query_one(LogView)
        text = Text()
        text.append(f" {self.source_state}", style="dim")
        text.append(f" · {len(log.shown):,}/{len(log.entries):,} lines shown")
        hints = log.hinted
        if hints:
            text.append(f" · {hints} hinted (n jumps)", style="cyan")
        if not log.follow:
            text.append(" · PAUSED", style="bold yellow")
        if log.new_lines:
            text.append(f" · {log.new_lines:,} new lines ↓ (end to follow)", style="bold yellow")
        self.query_one("#log-state", Static).update(text, layout=False)  # one fixed line: no re-layout

    @on(Worker.StateChanged)
    def _worker(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "tail" and event.state == WorkerState.ERROR and not event.worker.is_cancelled:
            self.source_state = f"stream stopped: {explain(event.worker.error)}"
            self._update_state()
            self.notify(self.source_state, severity="error", timeout=8)
        elif event.worker.group == "status" and event.state == WorkerState.ERROR:
            self.query_one("#status-state", Static).update(Text(explain(event.worker.error), style="yellow"))

    # -- hints -------------------------------------------------------------------------------

    @on(LogView.Highlighted)
    def _highlighted(self, event: LogView.Highlighted) -> None:
        if event.entry is not None and event.entry.hint is not None:
            self._show_hint(event.entry)

    def _show_hint(self, entry: Entry | None) -> None:
        box = self.query_one("#hint", Static)
        if entry is None or entry.hint is None:
            box.update(Text("Lines marked ◆ match a known error. Move onto one (n jumps to the next) to see "
                            "what it means and how to fix it.", style="dim"))
            return
        hint = entry.hint
        text = Text()
        if entry.cause is not None:
            text.append(f"Symptom of line {entry.cause[0]}: {entry.cause[1]}", style="bold magenta")
            text.append("  (enter jumps there)\n\n", style="dim")
        elif entry.first is not None:
            text.append(f"Same as line {entry.first} (enter jumps there)\n\n", style="dim")
        style = {"error": "bold red", "warning": "bold yellow"}.get(getattr(hint, "severity", ""), "bold cyan")
        text.append(f"{hint.title}\n", style=style)
        text.append(f"{hint.id}\n\n", style="dim")
        text.append(f"{hint.meaning}\n\n")
        text.append("Fix: ", style="bold green")
        text.append(f"{hint.fix}\n")
        docs = hint.docs if isinstance(hint.docs, list | tuple) else [hint.docs] if hint.docs else []
        for url in docs:
            text.append(f"\n{url}", style="underline blue")
        text.append("\n\nLine: ", style="bold")
        text.append(_redact(entry.text[:300]), style="dim")
        box.update(text)

    @on(LogView.Selected)
    def _selected(self, event: LogView.Selected) -> None:
        entry = event.entry
        target = (entry.cause[0] if entry.cause else entry.first) if entry is not None else None
        if target is not None and self.query_one(LogView).jump_to_seq(target):
            return  # the cursor's Highlighted message shows the root cause's hint
        if entry is not None and entry.hint is not None:
            self._show_hint(entry)
        elif event.entry is not None:
            self.notify("No known error on this line.")

    # -- controls ----------------------------------------------------------------------------

    @on(Input.Submitted, "#source")
    def _source_submitted(self, event: Input.Submitted) -> None:
        self.start_source(event.value)
        self.query_one(LogView).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(LogView).set_filter(text=event.value)
        self._show_hint(None)  # the line it described may be filtered out
        self._update_state()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(LogView).focus()

    @on(Select.Changed, "#severity")
    def _severity_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.query_one(LogView).set_filter(min_severity=event.value)
            self._show_hint(None)
            self._update_state()

    def source_choices(self) -> list[tuple[str, str]]:
        """(spec, what it is) for the picker: the plan's services where the plan deploys them first."""
        from launchdeck.app.generators.gke import pod_selector
        from launchdeck.app.live.status import log_spec, unit_kind
        from launchdeck.assets import DEMO_LOG

        plan = self.plan
        what = {"job": "job", "worker-pool": "worker pool", "service": "service"}
        cloud = [(log_spec(unit_kind(plan, n), n), f"Cloud Run {what[unit_kind(plan, n)]} (Cloud Logging)")
                 for n in plan.services]
        selector, namespace = pod_selector(plan)
        kube = [(f"kubectl:{selector}@{namespace}", "GKE pods (kubectl)")]
        local = [("compose", "docker compose logs, in this directory"),
                 ("file:", "a log file: type its path"),
                 (f"file:{DEMO_LOG}", "the bundled demo log"),
                 ("", "another source: type it")]
        first, second = (kube, cloud) if plan.target.startswith("gke") else (cloud, kube)
        return [*first, *second, *local]

    def action_pick_source(self) -> None:
        from launchdeck.screens.dialogs import SourceDialog

        self.app.push_screen(SourceDialog(self.source_choices()), self._source_picked)

    def _source_picked(self, spec: str | None) -> None:
        if spec is None:
            return
        kind, _, rest = spec.partition(":")
        if spec and (rest or kind == "compose"):
            self.start_source(spec)
            return
        source = self.query_one("#source", Input)  # a prefix to finish: the box takes it from here
        source.value = spec
        # Focusing selects the whole box, so typing would replace the prefix. Focus now (not via
        # Widget.focus, which defers it) so that the cursor move queued next runs after it.
        self.set_focus(source)
        source.call_after_refresh(source.action_end)

    def action_demo(self) -> None:
        from launchdeck.assets import DEMO_LOG

        self.start_source(f"file:{DEMO_LOG}")

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_log(self) -> None:
        self.query_one(LogView).focus()

    def action_toggle_follow(self) -> None:
        log = self.query_one(LogView)
        if log.follow:
            log.follow = False
        else:
            log.action_bottom()
        self._update_state()

    def action_next_hint(self) -> None:
        log = self.query_one(LogView)
        if not log.next_hint():
            self.notify("No hinted lines (yet).")
        log.focus()

    # -- live status -------------------------------------------------------------------------

    def action_refresh_status(self, quiet: bool = False) -> None:
        state = self.query_one("#status-state", Static)
        if not self.deck.status_enabled:
            state.update("Live status is off in this session.")
            return
        from launchdeck.app.gcp import NoProject, resolve_project

        try:
            project = resolve_project(None, self.plan.project)
        except NoProject:
            self._show_no_project()
            return
        self.missing_project = False
        state.update(f"Asking Cloud Run about {project}…")
        self._status(project)

    def action_set_project(self) -> None:
        """Jump to the project field of the Plan screen's settings row (as Preflight's enter does)."""
        self.deck.action_jump_to_setting("project")

    def _unknown_rows(self, why: str) -> None:
        """Every Cloud Run unit of the plan (services, jobs, worker pools), state unknown."""
        from launchdeck.app.live.status import run_units

        table = self.query_one("#status", DataTable)
        table.clear()
        for name, kind in run_units(self.plan):
            table.add_row(_unit_label(name, kind), Text("unknown", style="yellow"), Text(why, style="dim"), key=name)

    def _show_no_project(self) -> None:
        self.missing_project = True
        self.statuses = []
        self._unknown_rows("no project")
        self.query_one("#status-state", Static).update(Text.assemble(
            ("unknown: the plan has no Google Cloud project. ", "yellow"),
            ("p", "bold"), " sets it (Plan → settings → GCP project); ", ("r", "bold"), " asks again."))

    @work(exclusive=True, exit_on_error=False, group="status", description="Cloud Run status")
    async def _status(self, project: str) -> None:
        from launchdeck.app.live.status import fetch_status

        self.project = project
        self.statuses = await fetch_status(self.plan, project, self.plan.region)
        self._show_status()

    def _show_status(self) -> None:
        table = self.query_one("#status", DataTable)
        table.clear()
        styles = {"ready": "green", "failing": "bold red", "error": "yellow", "unknown": "yellow",
                  "deploying": "cyan"}
        errors = {s.error for s in self.statuses if s.error}
        for st in self.statuses:
            latest = st.latest_ready or ("no credentials" if st.state == "unknown" else "—")
            table.add_row(_unit_label(st.name, st.kind), Text(st.state, style=styles.get(st.state, "")), latest,
                          key=st.name)
        if self.statuses and all(s.error_kind == "auth" for s in self.statuses):
            message = Text.assemble(("unknown: no Google credentials. ", "yellow"), "Run ",
                                    ("gcloud auth application-default login", "bold"), " in a shell, then press ",
                                    ("r", "bold"), ".")
        elif len(errors) == 1 and all(s.error for s in self.statuses):
            message = Text(errors.pop() or "", style="yellow")
        elif any(s.failing for s in self.statuses):
            message = Text("enter on a failing service shows its failing revision's logs", style="red")
        else:
            message = Text()
        if "press r" not in message.plain:  # r is not in the key bar: say it here
            message.append(" · r refreshes" if message else "r refreshes", style="dim")
        self.query_one("#status-state", Static).update(message)

    @on(DataTable.RowSelected, "#status")
    def _status_selected(self, event: DataTable.RowSelected) -> None:
        if self.missing_project:  # nothing to show before the plan names its project
            self.action_set_project()
            return
        st = next((s for s in self.statuses if s.name == event.row_key.value), None)
        if st is None:
            return
        if st.state == "unknown":
            self.notify("No Google credentials: run `gcloud auth application-default login`, then press r.",
                        severity="warning")
            return
        if not st.failing:
            from launchdeck.app.live.status import log_spec

            self.start_source(log_spec(st.kind, st.name))
            return
        self.source_state = f"failing {st.failing_revision or st.failing_execution} of {st.name}"
        generation = self._new_view()
        self.workers.cancel_group(self, "tail")
        self._failure_logs(st, generation)

    @work(exclusive=True, exit_on_error=False, group="status", description="failure logs")
    async def _failure_logs(self, st: Any, generation: int) -> None:
        from launchdeck.app.hints import get_engine
        from launchdeck.app.hints.live import LiveMatcher
        from launchdeck.app.live.status import failure_logs

        live = LiveMatcher(get_engine())
        lines = await failure_logs(self.project, self.plan.region, st)
        if st.failure_message:
            lines = [f"ERROR {st.failure_message}", *lines]
        entries, updates = [], []
        for k, t in enumerate(lines, 1):
            mark = live.feed(t)
            entries.append(Entry(_redact(t), "error" if "ERROR" in t[:40] else "info", mark and mark.hint, "", k,
                                 mark and mark.first, mark and mark.explained_by))
            updates += mark.updates if mark else []
        self._accept(generation, entries)
        if updates:
            self._updates.append(updates)


def _unit_label(name: str, kind: str) -> str:
    """A status row's name: services bare, jobs and worker pools say what they are."""
    return {"job": f"{name} (job)", "worker-pool": f"{name} (pool)"}.get(kind, name)


class SourceStopped(Exception):
    """The log source ended with an error; str() is one line for the UI."""


def explain(exc: BaseException | None) -> str:
    """One line for a source or status failure."""
    if exc is None:
        return "unknown error"
    name = type(exc).__name__
    if name == "NoCredentials":
        return f"no Google credentials: {exc}"
    if name == "NoProject":
        return str(exc)
    return f"{exc}" if str(exc) else name


SEVERITY_NAMES = {v: k for k, v in SEVERITY_RANK.items()}
SCREEN = LogsScreen
