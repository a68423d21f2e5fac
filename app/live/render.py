"""Text and JSON renderings of live status and deploy results, plus the deploy progress display."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from launchdeck.app.live.status import Condition, ServiceStatus

if TYPE_CHECKING:
    from launchdeck.app.live.deploy import Unit

DASH = "-"


def traffic_text(st: ServiceStatus) -> str:
    steady = st.latest_created == st.latest_ready
    if steady and [(r if r != "LATEST" else st.latest_ready, p) for r, p in st.traffic] == [(st.latest_ready, 100)]:
        return "100% latest ready"
    return ", ".join(f"{pct}% {rev}" for rev, pct in st.traffic) or DASH


def instances_text(st: ServiceStatus) -> str:
    """A worker pool's TRAFFIC cell: how many instances, split over which revisions."""
    if st.instances is None:
        return traffic_text(st) if st.deployed else DASH
    count = f"{st.instances} instance{'' if st.instances == 1 else 's'}"
    split = traffic_text(st)
    return count if split == DASH else f"{count}, {split}"


def hint_lines(hint: Any, indent: str = "  ") -> list[str]:
    if hint is None:
        return []
    hid, sev, title = getattr(hint, "id", "?"), getattr(hint, "severity", ""), getattr(hint, "title", "")
    lines = [f"{indent}hint [{hid}] ({sev}) {title}".rstrip()]
    for label in ("meaning", "fix"):
        text = getattr(hint, label, None)
        if text:
            lines.append(f"{indent}  {label}: {' '.join(str(text).split())}")
    docs = getattr(hint, "docs", None)
    if docs:
        first = docs if isinstance(docs, str) else next(iter(docs), None)
        if first:
            lines.append(f"{indent}  docs: {first}")
    return lines


def failure_lines(st: ServiceStatus, logs: list[str] | None = None, logs_error: str | None = None) -> list[str]:
    """What failed, the hint, and the last log lines, for one failing service or job."""
    if not st.failing:
        return []
    what = (f"revision {st.failing_revision}" if st.failing_revision
            else f"execution {st.failing_execution}" if st.failing_execution else st.kind)
    reason = f" ({st.failure_reason})" if st.failure_reason else ""
    lines = [f"{st.name}: {what} failed{reason}: {st.failure_message or 'not ready'}"]
    lines += hint_lines(st.hint)
    if logs:
        lines.append(f"  last {len(logs)} log lines of {what}:")
        lines += [f"    {line}" for line in logs]
    elif logs_error:
        lines.append(f"  logs: {logs_error}")
    elif logs is not None:
        lines.append(f"  no log lines found for {what}")
    return lines


def status_table(statuses: list[ServiceStatus]) -> str:
    from launchdeck.app.output import text_table

    rows = []
    for st in statuses:
        if st.kind == "job":
            last = st.executions[0]["name"] if st.executions else DASH
            rows.append([f"{st.name} (job)", st.state, last, DASH, DASH])
        elif st.kind == "worker-pool":
            rows.append([f"{st.name} (worker pool)", st.state, st.latest_created or DASH, st.latest_ready or DASH,
                         instances_text(st)])
        else:
            rows.append([st.name, st.state, st.latest_created or DASH, st.latest_ready or DASH, traffic_text(st)])
    table = text_table(["NAME", "STATE", "LATEST CREATED", "LATEST READY", "TRAFFIC"], rows)
    urls = [f"  {st.name}: {st.url}" for st in statuses if st.url]
    # URLs below the table, unwrapped, so they can be copied whatever the terminal width
    return table + ("\nURLs:\n" + "\n".join(urls) if urls else "")


def _message(c: Condition, where: str, seen: dict[str, str]) -> str:
    if c.message in seen:
        return f"(same as {seen[c.message]})"
    seen[c.message] = where
    return c.message


def condition_lines(statuses: list[ServiceStatus]) -> list[str]:
    """Every condition with its reason and message; plain successes share one line per service."""
    lines: list[str] = []
    for st in statuses:
        seen: dict[str, str] = {}  # a message repeated by several conditions is printed once
        groups = [(st.name, st.conditions, "")]
        if st.failing_revision:
            groups.append((f"{st.name} @ {st.failing_revision}", st.revision_conditions, "revision "))
        for subject, conds, prefix in groups:
            plain = [c.type for c in conds if c.state == "succeeded" and not c.message and not c.reason]
            for c in conds:
                if c.type in plain:
                    continue
                reason = f" ({c.reason})" if c.reason else ""
                message = f": {_message(c, prefix + c.type, seen)}" if c.message else ""
                lines.append(f"  {subject}: {c.type} {c.state}{reason}{message}")
            if plain:
                lines.append(f"  {subject}: {', '.join(plain)} succeeded")
    return lines


def _when(iso: str | None) -> str:
    """2026-11-27T05:02:00Z → 2026-11-27 05:02Z (the JSON keeps the full timestamp)."""
    return f"{iso[:10]} {iso[11:16]}Z" if iso and len(iso) >= 16 else (iso or "running")


def executions_table(statuses: list[ServiceStatus]) -> str:
    from launchdeck.app.output import text_table

    rows = []
    for st in statuses:
        for ex in st.executions:
            rows.append([st.name, ex["name"], ex["tasks"], ex["succeeded"], ex["failed"], ex["running"],
                         ex["cancelled"], _when(ex["completion_time"])])
    if not rows:
        return ""
    return text_table(["JOB", "EXECUTION", "TASKS", "SUCCEEDED", "FAILED", "RUNNING", "CANCELLED", "COMPLETED"],
                      rows, title="Job executions", right=(2, 3, 4, 5, 6))


def status_text(statuses: list[ServiceStatus], project: str, region: str,
                logs: dict[str, list[str]] | None = None, log_errors: dict[str, str] | None = None) -> str:
    parts = [f"Cloud Run in {project} / {region}", status_table(statuses)]
    conditions = condition_lines(statuses)
    if conditions:
        parts.append("Conditions:\n" + "\n".join(conditions))
    executions = executions_table(statuses)
    if executions:
        parts.append(executions)
    failures: list[str] = []
    for st in statuses:
        lines = failure_lines(st, (logs or {}).get(st.name) if logs is not None else None,
                              (log_errors or {}).get(st.name))
        if lines:
            failures.append("\n".join(lines))
    if failures:
        parts.append("\n\n".join(failures))
    not_deployed = [st.name for st in statuses if not st.deployed and not st.error]
    if not_deployed:
        parts.append(f"Not deployed yet: {', '.join(not_deployed)} (run `launchdeck deploy`).")
    return "\n\n".join(parts)


def status_json(statuses: list[ServiceStatus], project: str, region: str,
                logs: dict[str, list[str]] | None = None, log_errors: dict[str, str] | None = None) -> str:
    from launchdeck.app.output import to_json

    items = []
    for st in statuses:
        item = st.to_dict()
        if logs is not None and st.failing:
            item["logs"] = logs.get(st.name, [])
            if log_errors and st.name in log_errors:
                item["logs_error"] = log_errors[st.name]
        items.append(item)
    return to_json({"project": project, "region": region, "services": items})


# ----------------------------------------------------------------------------- deploy
def changes_text(unit: Unit) -> list[str]:
    if unit.error:
        return [f"{unit.label}: {unit.error}"]
    lines: list[str] = []
    if unit.create:
        lines.append(f"{unit.label}: not deployed yet; would create {unit.resource}")
    elif not unit.changes:
        lines.append(f"{unit.label}: no changes")
    lines += [c.line(unit.label) for c in unit.changes]
    lines += live_only_lines(unit)
    return lines


def live_only_lines(unit: Unit) -> list[str]:
    if unit.kept():
        return [f"{unit.label}: kept (live, not in the plan; --prune removes): "
                + ", ".join(lo.describe() for lo in unit.kept())]
    removed = [lo.describe() for lo in unit.removed() if lo.plan_value is None]
    repointed = [f"{lo.name} from {lo.value} to secret {lo.plan_value}" for lo in unit.removed() if lo.plan_value]
    lines = []
    if removed:
        lines.append(f"{unit.label}: removing (--prune or your answer): " + ", ".join(removed))
    if repointed:
        lines.append(f"{unit.label}: re-pointing (--prune or your answer): " + ", ".join(repointed))
    return lines


class DeployProgress:
    """A spinner per unit on a terminal (rich), plain start/finish lines otherwise."""

    def __init__(self, out: TextIO | None = None, fancy: bool | None = None) -> None:
        self.out = out or sys.stdout
        self.fancy = self.out.isatty() if fancy is None else fancy
        self._start: dict[str, float] = {}
        self._tasks: dict[str, Any] = {}
        self._progress: Any = None

    def __enter__(self) -> DeployProgress:
        if self.fancy:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=Console(file=self.out), transient=False)
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def begin(self, unit: Unit) -> None:
        verb = "creating" if unit.create else "updating"
        self._start[unit.name] = time.monotonic()
        text = f"{unit.label}: {verb} ({len(unit.changes)} change{'s' if len(unit.changes) != 1 else ''})"
        if self._progress is not None:
            self._tasks[unit.name] = self._progress.add_task(text, total=1)
        else:
            print(text, file=self.out, flush=True)

    def end(self, unit: Unit) -> None:
        took = time.monotonic() - self._start.get(unit.name, time.monotonic())
        text = f"{unit.label}: {unit.outcome} in {took:.1f}s" if not unit.error else f"{unit.label}: {unit.error}"
        if self._progress is not None:
            self._progress.update(self._tasks[unit.name], description=text, completed=1)
        else:
            print(text, file=self.out, flush=True)
