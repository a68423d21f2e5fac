"""The `launchdeck` program's entry point: quiet on Ctrl-C from its first instant.

The console script imports this module before anything else of ours, so the SIGINT handler is
in place before the command modules, pydantic or the Google libraries load. Until a command
starts there is nothing to clean up, and an interrupt ends the process at once with 130; from
then on `cli.main` turns KeyboardInterrupt into 130 itself, after cleanups have run.
"""

import os  # loaded by `site` already: free
import signal

# Before anything else is imported (even launchdeck.app.interrupts, which holds the same handler
# for later; `from __future__` too): until here an interrupt gets CPython's own traceback.
signal.signal(signal.SIGINT, lambda signum, _frame: os._exit(128 + signum))


def _usable_streams() -> None:
    """Standard streams that cannot crash a command: a closed one (`launchdeck scan x >&-`) becomes
    /dev/null, and a text the terminal's encoding cannot hold (PYTHONIOENCODING=ascii, a Latin-1
    locale) comes out with backslash escapes instead of raising UnicodeEncodeError."""
    import contextlib
    import sys

    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
        elif name != "stdin":
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


def main() -> int:
    import contextlib
    import sys

    _usable_streams()
    from launchdeck.app.cli import io_failure
    from launchdeck.app.cli import main as cli_main

    code = cli_main()
    try:
        sys.stdout.flush()  # here, not at interpreter exit, where a failure is only "Exception ignored"
    except BrokenPipeError:
        pass
    except OSError as exc:
        code = io_failure(exc)
    if code == 130:
        # Interrupted: cleanups already ran as the exception unwound. Skip tearing down every
        # module (a tenth of a second or more with the Google libraries loaded) and leave now.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    return code
