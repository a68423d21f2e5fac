"""`launchdeck init`: write a starter launchdeck.yaml from the built-in example."""

from __future__ import annotations

import argparse
from pathlib import Path

from launchdeck.app.commands._common import CommandError
from launchdeck.assets import EXAMPLE_PLAN


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="write a starter launchdeck.yaml from the built-in example",
                       description="write a starter launchdeck.yaml from the built-in example "
                                   "(Next.js, FastAPI, websocket, Celery, Postgres, Redis, buckets).")
    p.add_argument("-o", "--output", default="launchdeck.yaml", help="plan file to write")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from launchdeck.app.fsutil import atomic_write

    target = Path(args.output)
    if target.is_dir():
        raise CommandError(f"{args.output} is a directory; give a file name with -o")
    if target.exists() and not args.force:
        raise CommandError(f"{args.output} already exists; not overwriting it (use --force, or -o another file)")
    try:
        text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"the built-in example is missing ({EXAMPLE_PLAN}): {exc.strerror}") from None
    try:
        atomic_write(target, text)
    except OSError as exc:
        raise CommandError(f"cannot write {args.output}: {exc.strerror}") from None
    services = text.count("\n    role: ")
    print(f"wrote {args.output}: the built-in example plan ({services} services, Postgres, Redis, buckets)")
    print(f"next: edit it, then run launchdeck estimate {args.output}")
    return 0
