"""`launchdeck logs`: follow a log stream with inline hints for known errors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchdeck.app.commands._common import CommandError, add_format_arg
from launchdeck.app.termtext import json_safe


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("logs", help="follow a log stream with inline hints for known errors", description="follow a log stream with inline hints for known errors.")
    p.add_argument("--source", "-s", required=True, metavar="SOURCE",
                   help="cloud-run:SERVICE | cloud-run-job:JOB | cloud-run-worker-pool:POOL | compose[:DIR] | kubectl:SELECTOR[@NAMESPACE] | file:PATH")
    p.add_argument("--plan", default=None, metavar="PLAN", help="plan file (for project and region)")
    p.add_argument("--project", help="Google Cloud project (default: plan, then GOOGLE_CLOUD_PROJECT)")
    p.add_argument("--region", help="region (default: the plan's)")
    p.add_argument("--since", default="10m", help="backfill this much history first (e.g. 10m, 2h)")
    p.add_argument("--no-follow", action="store_true", help="print the backfill and stop")
    add_format_arg(p, ("table", "jsonl"))
    p.set_defaults(func=run)


def _plan_defaults(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(project, region) from --project/--region, else the plan (given, or ./launchdeck.yaml)."""
    project, region = args.project, args.region
    path = args.plan or ("launchdeck.yaml" if Path("launchdeck.yaml").is_file() else None)
    if path and args.source.startswith("cloud-run") and (project is None or region is None):
        from launchdeck.app.commands._common import load

        plan = load(path).plan
        project = project or getattr(plan, "project", None)
        region = region or getattr(plan, "region", None)
    return project, region


class _Printer:
    """Prints each line with its hint. Multi-line rules are those of `scan` (LiveMatcher): a
    traceback is hinted once, a repeat says which line it repeats, a symptom names its root cause."""

    def __init__(self, fmt: str, out=None):
        from launchdeck.app.hints import get_engine
        from launchdeck.app.hints.live import LiveMatcher
        from launchdeck.app.output import use_color

        self.live = LiveMatcher(get_engine())
        self.fmt = fmt
        self.out = out or sys.stdout
        self.seen: dict[str, int] = {}
        self.row = 0  # printed lines so far; jsonl's "line"
        self.row_of: dict[int, int] = {}  # matcher line (one per text line) -> printed line
        self.color = use_color() and fmt == "table"

    def mark_for(self, text: str):
        best = None
        for part in text.split("\n"):
            m = self.live.feed(part)
            self.row_of[self.live.seq] = self.row
            if m and (best is None or (best.hint.severity == "info" and m.hint.severity != "info")):
                best = m
        if len(self.row_of) > 4096:
            self.row_of = {k: v for k, v in self.row_of.items() if k > self.live.seq - 1024}
        return best

    def emit(self, line) -> None:
        self.row += 1
        mark = self.mark_for(line.text)
        hint = mark.hint if mark else None
        first = self.row_of.get(mark.first) if mark and mark.first else None
        cause = (self.row_of.get(mark.explained_by[0]), mark.explained_by[1]) if mark and mark.explained_by else None
        if self.fmt == "jsonl":
            row = {"line": self.row, "timestamp": line.timestamp.isoformat() if line.timestamp else None,
                   "source": line.source, "severity": line.severity, "text": line.text,
                   "hint": hint.id if hint else None}
            if hint:
                row.update({"hint_severity": hint.severity, "title": hint.title, "fix": hint.fix})
            if first:
                row["first"] = first
            if cause:
                row["explained_by"] = {"line": cause[0], "hint": cause[1]}
            self.out.write(json_safe(json.dumps(row, ensure_ascii=False)) + "\n")
            self.out.flush()
            return
        stamp = line.timestamp.strftime("%H:%M:%S") if line.timestamp else "        "
        text = line.text.replace("\n", "\n" + " " * (len(stamp) + len(line.source) + 4))
        prefix = f"{stamp} {line.source} | "
        if self.color:
            prefix = f"\x1b[2m{stamp}\x1b[0m \x1b[36m{line.source}\x1b[0m | "
        self.out.write(prefix + text + "\n")
        if hint:
            n = self.seen.get(hint.id, 0) + 1
            self.seen[hint.id] = n
            mark_ = {"error": "!!", "warning": "! ", "info": "i "}[hint.severity]
            if cause:
                note = f"   {mark_} {hint.id}: symptom of {cause[1]} (above)"
            elif n == 1 or not first:
                note = (f"   {mark_} {hint.id}: {hint.title}\n      fix: {hint.fix}\n      docs: {hint.docs}"
                        if n == 1 else f"   {mark_} {hint.id} again (x{n}, a new occurrence)")
            elif first:
                note = f"   {mark_} {hint.id} again (x{n})"
            if self.color:
                colour = {"error": "31", "warning": "33", "info": "2"}[hint.severity]
                note = f"\x1b[{colour}m{note}\x1b[0m"
            self.out.write(note + "\n")
        self.out.flush()


async def _follow(args: argparse.Namespace, project: str | None, region: str | None) -> None:
    from launchdeck.app.logsources import open_source

    printer = _Printer(args.format)
    agen = open_source(args.source, project=project, region=region, since=args.since,
                       follow=not args.no_follow)
    try:
        async for line in agen:
            printer.emit(line)
    finally:
        await agen.aclose()


def run(args: argparse.Namespace) -> int:
    from launchdeck.app.logsources import SourceError

    project, region = _plan_defaults(args)
    from launchdeck.app.interrupts import run_async

    try:
        run_async(_follow(args, project, region))
    except SourceError as exc:
        raise CommandError(str(exc)) from None
    except BrokenPipeError:
        pass
    return 0
