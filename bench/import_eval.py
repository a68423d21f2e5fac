"""Compose import measured on compose files shaped like real projects' (bench/eval/compose/*.yml).

Each file carries its expectation in a top-level `x-expect:` block (removed before the import runs):
`roles` (every service's expected row: web, websocket, worker, job, postgres, redis, buckets, skipped,
unmapped) and optionally `secrets` (names that must end up in a service's secrets, for secrets written
into commands). The rest is read from the file itself: every secret VALUE in it contains "canary"
(any case), so an env value containing it must be listed under the service's secrets, and every other
non-empty env value of an app service must be kept as plain env with the same text.

Prints roles correct %, datastores %, secrets detected %, plain env kept %, leaks (a canary anywhere in
the written plan or in the table/json/md output) and crashes (anything but a clean plan or a clean
line-numbered error).

    .venv/bin/python bench/import_eval.py [-v]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "eval" / "compose"
CANARY = re.compile("canary", re.IGNORECASE)
DATASTORE_ROLES = {"postgres", "redis", "buckets"}


def _without_expect(text: str) -> str:
    """The compose file minus its `x-expect:` block (top-level key up to the next top-level line)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("x-expect:"):
            skipping = True
            continue
        if skipping and line.strip() and not line.startswith((" ", "\t", "#")):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out)


def _env_of(svc: dict) -> dict[str, str | None]:
    from launchdeck.app.compose.parts import parse_environment

    return parse_environment(svc.get("environment")) if isinstance(svc, dict) else {}


def evaluate(path: Path, verbose: bool) -> dict[str, list[tuple[bool, str]]]:
    from ruamel.yaml import YAML

    from launchdeck.app.cli import main

    doc = YAML(typ="rt").load(path.read_text())
    expect = doc.get("x-expect") or {}
    result: dict[str, list[tuple[bool, str]]] = {k: [] for k in ("roles", "datastores", "secrets", "plain",
                                                                 "leaks", "crashes")}
    with tempfile.TemporaryDirectory() as tmp:
        compose = Path(tmp) / path.name
        compose.write_text(_without_expect(path.read_text()))
        outputs: list[str] = []
        plan_file = Path(tmp) / "launchdeck.yaml"
        for fmt in ("table", "json", "md"):
            stdout, stderr = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                    rc = main(["import", str(compose), "-o", str(plan_file), "--force", "--format", fmt])
            except BaseException:  # noqa: BLE001 - a crash is what is measured here
                result["crashes"].append((False, f"{path.name}: {traceback.format_exc(limit=3)}"))
                return result
            outputs += [stdout.getvalue(), stderr.getvalue()]
            if rc != 0 or "Traceback" in stderr.getvalue():
                result["crashes"].append((False, f"{path.name}: exit {rc}: {stderr.getvalue().strip()[:300]}"))
                return result
        written = plan_file.read_text()
        outputs.append(written)
        leaked = [m.group(0) for text in outputs for m in CANARY.finditer(text)]
        result["leaks"].append((not leaked, f"{path.name}: {len(leaked)} canary value(s) printed or written"))
        result["crashes"].append((True, path.name))

        from launchdeck.app.compose import import_compose

        imported = import_compose(compose)
    rows = {r.service: r for r in imported.rows}
    for service, role in (expect.get("roles") or {}).items():
        got = rows[service].role if service in rows else "(missing)"
        ok = got == role
        result["roles"].append((ok, f"{path.name}: {service}: expected {role}, got {got}"
                                    f"{'' if ok else ' — ' + (rows[service].why if service in rows else '')}"))
        if role in DATASTORE_ROLES or got in DATASTORE_ROLES:
            result["datastores"].append((ok, f"{path.name}: {service}: expected {role}, got {got}"))
    services = doc.get("services") or {}
    for service, svc in services.items():
        row = rows.get(str(service))
        if row is None or row.role not in ("web", "websocket", "worker", "job"):
            continue
        planned = imported.plan.services[row.plan_name or str(service)]
        wanted_secrets = list(expect.get("secrets", {}).get(service, []))
        for key, value in _env_of(svc).items():
            if value is not None and CANARY.search(value):
                wanted_secrets.append(key)
            elif value not in (None, ""):
                got = planned.env.get(key)
                result["plain"].append((got == value, f"{path.name}: {service}: {key} kept as plain env"
                                                      f"{'' if got == value else ' — got ' + repr(got)}"))
        for name in dict.fromkeys(wanted_secrets):
            ok = name in planned.secrets
            result["secrets"].append((ok, f"{path.name}: {service}: {name} in secrets"))
    if verbose:
        for kind, items in result.items():
            for ok, what in items:
                if not ok:
                    print(f"  MISS {kind}: {what}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    files = sorted(CORPUS.glob("*.yml"))
    totals: dict[str, list[bool]] = {}
    for path in files:
        for kind, items in evaluate(path, args.verbose).items():
            totals.setdefault(kind, []).extend(ok for ok, _ in items)

    def pct(kind: str) -> str:
        items = totals.get(kind, [])
        return f"{100 * sum(items) / len(items):5.1f} % ({sum(items)}/{len(items)})" if items else "n/a"

    print(f"compose files      : {len(files)}")
    print(f"roles correct      : {pct('roles')}")
    print(f"datastores         : {pct('datastores')}")
    print(f"secrets detected   : {pct('secrets')}")
    print(f"plain env kept     : {pct('plain')}")
    print(f"leaks              : {sum(not ok for ok in totals.get('leaks', []))} file(s) with a canary in the "
          "plan or the printed table/json/md")
    print(f"crashes            : {sum(not ok for ok in totals.get('crashes', []))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
