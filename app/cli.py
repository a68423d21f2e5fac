"""The `launchdeck` command line: headless subcommands, or the TUI when none is given.

Exit codes (DESIGN 3.3): 0 success; 1 the command worked and found errors; 2 bad input or
environment, printed as one or a few lines on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from launchdeck.app import __version__
from launchdeck.app.commands import COMMAND_NAMES, COMMANDS

if TYPE_CHECKING:
    import argparse


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (`only`) one with just that command: `launchdeck scan` then imports
    nothing of the other commands (asyncio, Google clients) and starts faster."""
    import argparse  # not on the TUI's path to its first paint
    import typing

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> typing.NoReturn:
            # argparse quotes the offending argument: a control character in it must not act.
            from launchdeck.app.termtext import visible

            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}: error: {visible(message)}\n")

    parser = Parser(
        prog="launchdeck",
        description="Plan, price, check, generate and watch a multi-service deploy to Google Cloud. "
        "With no command, opens the TUI on ./launchdeck.yaml (or the built-in example).",
    )
    parser.add_argument("--version", action="version", version=f"launchdeck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name.removesuffix("_compose") != only:
            continue
        importlib.import_module(f"launchdeck.app.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
    except KeyboardInterrupt:
        return interrupted()
    interrupts = sys.modules.get("launchdeck.app.interrupts")
    if interrupts is not None and interrupts.take_deferred():
        # Ctrl-C came during an import and the command finished before it could be raised:
        # it still counts (exit 130), whatever the command printed.
        return interrupted()
    return code


def interrupted(quiet: bool = False) -> int:
    """Ctrl-C: exit 130 without a traceback. Cleanups (temp files, channels) ran while the
    exception unwound; a second Ctrl-C during interpreter shutdown ends the process at once."""
    import signal

    from launchdeck.app.interrupts import quiet_exit

    signal.signal(signal.SIGINT, quiet_exit)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    if not quiet:  # stopping `logs` with Ctrl-C is how it is meant to end
        print("launchdeck: interrupted", file=sys.stderr)
    return 130


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (len(argv) == 1 and not argv[0].startswith("-") and argv[0] not in COMMAND_NAMES):
        _raise_on_interrupt()
        return run_tui(argv[0] if argv else None)  # `launchdeck [PLAN]`, no options: no argparse to load
    parser = build_parser(only=argv[0] if argv[0] in COMMAND_NAMES else None)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from launchdeck.app.commands._common import CommandError

    _raise_on_interrupt()
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        from launchdeck.app.termtext import visible

        print(f"launchdeck: {visible(str(exc), keep_newlines=True)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return interrupted(quiet=args.command == "logs")
    except Exception as exc:
        # PlanFileError, matched without importing the plan model (pydantic) for commands that
        # never load a plan: `scan` starts in a fraction of the time.
        planfile = sys.modules.get("launchdeck.app.planfile")
        if planfile is not None and isinstance(exc, planfile.PlanFileError):
            print(str(exc), file=sys.stderr)  # each PlanError escapes its own text
            return 2
        if isinstance(exc, BrokenPipeError):
            return _quiet_broken_pipe()
        if isinstance(exc, OSError):
            return io_failure(exc)
        raise


def io_failure(exc: OSError) -> int:
    """A read or write the system refused (a full disk, an I/O error, standard output on /dev/full):
    one line and exit 2, not a traceback. Standard output is pointed at /dev/null afterwards so the
    interpreter's last flush of what is still buffered cannot fail the same way again."""
    from launchdeck.app.termtext import visible

    where = f": {exc.filename}" if exc.filename else " (standard output, or a file being written)"
    _quiet_stdout()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"launchdeck: {visible(exc.strerror or str(exc))}{visible(str(where))}", file=sys.stderr)
    return 2


def _quiet_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _quiet_broken_pipe() -> int:
    """`launchdeck scan big.log | head`: stop quietly."""
    _quiet_stdout()
    return 0


def _raise_on_interrupt() -> None:
    """From here on Ctrl-C raises KeyboardInterrupt (outside imports), so `finally` blocks and temp-file
    cleanups run."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        from launchdeck.app.interrupts import interrupt_handler

        signal.signal(signal.SIGINT, interrupt_handler)
        if not getattr(sys.unraisablehook, "_launchdeck", False):
            sys.unraisablehook = _redeliver_interrupts(sys.unraisablehook)


def _redeliver_interrupts(previous):  # noqa: ANN001, ANN202 - sys.unraisablehook's own types
    """An interrupt that lands in a finalizer or a gc callback cannot propagate: Python prints it as
    "Exception ignored ... KeyboardInterrupt" and goes on. Send it again instead, so it stops the
    command where it can, quietly."""
    from launchdeck.app.interrupts import resend_later

    def hook(unraisable) -> None:  # noqa: ANN001
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            resend_later()
            return
        previous(unraisable)

    hook._launchdeck = True  # type: ignore[attr-defined]
    return hook


def run_tui(plan_path: str | None) -> int:
    from launchdeck.app.tui import launch

    return launch(plan_path)


if __name__ == "__main__":
    sys.exit(main())
