"""The launchdeck Textual app: holds the Plan and switches between the six screens.

Kept small on purpose (STYLE 3): screens live in `screens/`, the core in `app/` and `estimators/`.
Only Textual is imported here. The first paint shows the plan's outline; pydantic, the YAML readers
and each screen's core modules load after it or when first needed, and nothing Google-related loads
before it is used (docs/tui.md, "Start-up").
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # for the startup log line and bench/startup.py

import gc  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from contextlib import suppress  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any, ClassVar  # noqa: E402

from textual import events  # noqa: E402
from textual.app import App, InvalidModeError, SystemCommand  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.reactive import reactive  # noqa: E402

from launchdeck.assets import DEMO_LOG, EXAMPLE_PLAN  # noqa: E402
from launchdeck.screens.registry import SCREENS  # noqa: E402

if TYPE_CHECKING:
    from textual.screen import Screen

    from launchdeck.app.plan import Plan

ROOT = Path(__file__).resolve().parent.parent
PLAN_NAME = "launchdeck.yaml"
COMPOSE_NAMES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")



@dataclass
class Opened:
    """What the app opened and where Save writes.

    A plan file that parses is not validated here: its outline (`app.outline`: names, roles,
    datastores) is enough to paint the Plan screen, and `LaunchDeck.ensure_plan` validates the file
    right after the first paint, so pydantic and the YAML readers are not on the path to the first
    screen.
    """

    plan: Plan | None
    doc: Any
    save_path: Path
    origin: str  # "file" | "example" | "compose"
    compose_path: Path | None = None  # a compose file we may offer to import
    outline: dict[str, Any] | None = None  # set while plan is None
    outline_key: str | None = None  # remember the outline under this key once the plan validates
    source: Path | None = None  # the file the plan is read from
    error: Exception | None = None  # why the file is not a plan (it opens listing the errors)


def _read(path: Path, save_path: Path, origin: str, compose: Path | None = None) -> Opened:
    """The outline of `path` when it parses as a mapping; otherwise the full `load_plan`, which
    raises PlanFileError with FILE:LINE errors before any screen opens."""
    from launchdeck.app.outline import read_outline

    outline, key = read_outline(path)
    if outline is not None:
        return Opened(None, None, save_path, origin, compose, outline, key, path)
    from launchdeck.app.planfile import load_plan

    loaded = load_plan(path)
    return Opened(loaded.plan, loaded.doc, save_path, origin, compose, source=path)


def open_plan(plan_path: str | None, cwd: Path | None = None) -> Opened:
    """`plan_path`, else ./launchdeck.yaml, else the built-in example. Raises PlanFileError when the
    file cannot be read or parsed; a parsed plan is validated by the app after its first paint."""
    cwd = cwd or Path.cwd()
    local = cwd / PLAN_NAME
    if plan_path or local.exists():
        path = Path(plan_path) if plan_path else local
        return _read(path, path, "file")
    compose = next((cwd / n for n in COMPOSE_NAMES if (cwd / n).is_file()), None)
    return _read(EXAMPLE_PLAN, local, "example", compose)


def _mode(name: str) -> Any:
    """A screen factory that imports `screens.<name>` only when the mode is first shown."""

    def factory() -> Screen:
        return importlib.import_module(f"launchdeck.screens.{name}").SCREEN()

    return factory


def _commands_provider() -> Any:
    from launchdeck.screens.commands import DeckCommands

    return DeckCommands


class LaunchDeck(App[int]):
    """Plan, price, check, export and watch a deploy."""

    TITLE = "launchdeck"
    # What the first screen (and the compose-import dialog) needs. Every other screen brings its
    # own stylesheet (`DeckScreen.CSS_PATH`), read when it is first shown: Textual re-applies the
    # app's CSS then anyway, so only the first paint pays for what it shows.
    CSS_PATH: ClassVar[list[str | Path]] = [ROOT / "screens" / f"{name}.tcss" for name in ("app", "plan", "dialogs")]
    # Every mode but the first. The Plan screen is the app's default screen (`get_default_screen`),
    # which adds its mode as it is built: a screen built from MODES makes Textual parse and apply
    # the whole stylesheet a second time before the first paint (~4 ms, bench/startup.py).
    MODES: ClassVar[dict[str, Any]] = {mode: _mode(mode) for _, mode, _ in SCREENS if mode != "plan"}
    DEFAULT_MODE = "plan"  # the first screen is built directly, no empty default screen first
    COMMANDS = App.COMMANDS | {_commands_provider}
    BINDINGS: ClassVar[list[Any]] = [
        *[Binding(key, f"app.switch_mode('{mode}')", label, show=False) for key, mode, label in SCREENS],
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("f2", "save_as", "Save as", show=False, priority=True),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        # ctrl+c quits as in any terminal program (asking first), even in a text field where Textual
        # would copy: a reflex must never lose an edit, nor silently do nothing.
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    plan: reactive[Plan | None] = reactive(None, always_update=True, init=False)
    dirty: reactive[bool] = reactive(False, init=False)
    # The current target's monthly low–high and how many lines are unpriced (not in it), once
    # estimated after the first paint (the nav bar shows it).
    monthly: reactive[tuple[float, float, int] | None] = reactive(None, init=False)

    def __init__(self, opened: Opened, *, catalog: Any = None, log_source: str | None = None,
                 status_enabled: bool = True) -> None:
        super().__init__()
        self.opened = opened
        self.doc = opened.doc  # the ruamel document Save writes through, keeping comments
        self.save_path = opened.save_path
        self.origin = opened.origin
        self._catalog = catalog
        self.log_source = log_source or f"file:{DEMO_LOG}"
        self.status_enabled = status_enabled
        self.set_reactive(LaunchDeck.plan, opened.plan)
        self.preview: dict[str, Any] | None = opened.outline if opened.plan is None else None
        # Why the opened plan was refused: shown in the app, which can open $EDITOR and reload. Quitting
        # while the plan is still refused ends with exit code 2 and the errors (the CLI's contract).
        self.plan_error: Exception | None = opened.error
        self.startup_seconds: float | None = None
        self._undo: list[Plan] = []
        self._redo: list[Plan] = []
        self._last_edit: str | None = None  # the field the last undo step belongs to (typing merges)
        self._saved: Plan | None = opened.plan if opened.origin == "file" else None

    # -- state -------------------------------------------------------------------------------

    @property
    def catalog(self) -> Any:
        """The price catalog, loaded on first use (bundled snapshot or the refreshed cache)."""
        if self._catalog is None:
            from launchdeck.estimators import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    @catalog.setter
    def catalog(self, value: Any) -> None:
        self._catalog = value

    def ensure_plan(self) -> Plan | None:
        """The validated plan, validating the opened file now if that has not happened yet.

        Runs right after the first paint, and before any key or mouse event is handled. A plan that
        does not validate is shown with its errors (`screens.invalid`), which offers the editor.
        """
        if self.plan is not None or self.preview is None:
            return self.plan
        from launchdeck.app.planfile import PlanFileError, load_plan

        source = self.opened.source or self.save_path
        try:
            loaded = load_plan(source)  # the CLI's own reader: same errors, and the comment-keeping doc
        except PlanFileError as exc:
            self.preview = None
            self.refuse_plan(exc)
            return None
        if self.opened.outline_key and self.preview is not None:
            from launchdeck.app.outline import remember

            remember(self.opened.outline_key, self.preview)  # the next start paints without YAML
        self.preview = None
        self._opened_valid(loaded)
        return self.plan

    def _opened_valid(self, loaded: Any) -> None:
        self.doc = loaded.doc
        self.plan_error = None
        self._saved = loaded.plan if self.origin == "file" else None
        self.plan = loaded.plan  # every screen watching `plan` (the Plan screen's list) redraws from it

    def refuse_plan(self, error: Exception) -> None:
        """Show why the opened file is not a plan, with the way to fix it from here."""
        from launchdeck.screens.invalid import InvalidPlanScreen

        self.plan_error = error
        if not isinstance(self.screen, InvalidPlanScreen):
            self.push_screen(InvalidPlanScreen(self.opened.source or self.save_path, error))

    def reload_plan(self) -> bool:
        """Read the opened file again (after the user fixed it); True once it validates."""
        from launchdeck.app.planfile import PlanFileError, load_plan

        try:
            loaded = load_plan(self.opened.source or self.save_path)
        except PlanFileError as exc:
            self.plan_error = exc
            return False
        self._opened_valid(loaded)
        return True

    def set_plan(self, plan: Plan, *, edit: str | None = None) -> None:
        """Replace the plan (already validated); every screen watching `plan` recomputes.

        `edit` names the field being typed in: keystrokes in one field make one undo step, until
        `seal_edit` (the field lost focus) or an edit elsewhere."""
        if self.plan is not None and (edit is None or edit != self._last_edit):
            self._undo = [*self._undo[-199:], self.plan]
        self._redo.clear()
        self._last_edit = edit
        self.plan = plan
        self._update_dirty()

    def seal_edit(self) -> None:
        """The next keystroke starts a new undo step."""
        self._last_edit = None

    def undo(self) -> bool:
        """Go back one step; False when there is none."""
        if not self._undo or self.plan is None:
            return False
        self._redo.append(self.plan)
        self._last_edit = None
        self.plan = self._undo.pop()
        self._update_dirty()
        return True

    def redo(self) -> bool:
        """Forward one step again; False when there is none."""
        if not self._redo or self.plan is None:
            return False
        self._undo.append(self.plan)
        self._last_edit = None
        self.plan = self._redo.pop()
        self._update_dirty()
        return True

    def _update_dirty(self) -> None:
        # Unsaved means different from the file: undoing back to it is clean again.
        self.dirty = self.plan is not None and (self._saved is None or self.plan != self._saved)

    def watch_plan(self, _plan: Plan | None) -> None:
        # Estimating is well under a millisecond once the estimators are loaded: done in step with
        # the plan, so the figure is never stale. The first one (which loads them) waits for a paint.
        if self.monthly is None:
            self.call_after_refresh(self._estimate_monthly)
        else:
            self._estimate_monthly()

    def _estimate_monthly(self) -> None:
        """The current target's monthly low–high for the nav bar (None when it cannot be priced)."""
        if self.plan is None:
            return
        try:
            from launchdeck.estimators import estimate

            report = estimate(self.plan, target=None, catalog=self.catalog)
            low, high = report.total_low, report.total_high
            self.monthly = None if low is None or high is None else (low, high, len(report.unpriced))
        except Exception:  # noqa: BLE001 - the Costs screen says why; the bar just shows no figure
            self.monthly = None

    @property
    def source_dir(self) -> Path | None:
        """The app's source tree preflight reads (Dockerfiles, start commands): the plan's directory."""
        return self.save_path.parent if self.origin == "file" else None

    @property
    def source_label(self) -> str:
        if self.origin == "example":
            return f"built-in example · Save writes ./{PLAN_NAME}"
        if self.origin == "compose":
            return f"imported from {self.opened.compose_path.name if self.opened.compose_path else 'compose'}" \
                   f" · Save writes ./{PLAN_NAME}"
        return str(self.save_path)

    # -- lifecycle ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The Plan screen, first shown; from now on `switch_mode("plan")` returns to it."""
        with suppress(InvalidModeError):  # added already
            self.add_mode("plan", _mode("plan"))
        return _mode("plan")()

    def on_mount(self) -> None:
        if self.plan_error is not None:
            self.call_after_refresh(self.refuse_plan, self.plan_error)
        elif self.preview is not None:
            self.call_after_refresh(self.ensure_plan)
        else:
            self.call_after_refresh(self._estimate_monthly)
        import asyncio

        from launchdeck.app.terminal import watch_terminal

        if not self.is_headless:
            watch_terminal(asyncio.get_running_loop(), self.terminal_gone)
        recovered = recovery_path(self.save_path)
        if recovered.is_file():
            self.notify(f"Edits from a session whose terminal closed were kept in {recovered.name}. "
                        f"Open it with `launchdeck {recovered}` and save it over {self.save_path.name} (F2).",
                        severity="warning", timeout=15)
        if self.origin == "example" and self.opened.compose_path is not None:
            from launchdeck.screens.dialogs import ConfirmDialog

            path = self.opened.compose_path
            self.push_screen(
                ConfirmDialog(f"Found {path.name} here but no {PLAN_NAME}.",
                              "Import it into a plan? (No keeps the built-in example.)", yes="Import"),
                self._import_compose_answer,
            )

    async def on_event(self, event: events.Event) -> None:
        # No input reaches a screen before the opened plan is validated: a key pressed during the
        # first paint waits for it. A refused plan's screen takes input (it offers the editor).
        if (self.plan is None and self.plan_error is None and isinstance(event, events.InputEvent | events.Paste)
                and self.ensure_plan() is None and self.plan_error is None):
            return
        await super().on_event(event)

    def on_ready(self) -> None:
        self.startup_seconds = time.perf_counter() - STARTED
        self.log.info(f"launchdeck first paint after {self.startup_seconds * 1000:.0f} ms")
        self.set_timer(0.5, self._warm_up)

    def _warm_up(self) -> None:
        """After the first paint, import what the other screens need so switching to them is quick."""

        def load() -> None:
            for name in ("launchdeck.estimators", "launchdeck.app.preflight", "launchdeck.app.generators",
                         "launchdeck.screens.costs", "launchdeck.screens.target"):
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001 - the screen itself reports a broken module
                    return
            # What is loaded by now (modules, the price catalog, the hint catalog) lives as long as the
            # app: moved out of the collector's reach, a full collection no longer walks it between keys.
            gc.freeze()
            # Objects made while typing are few and short-lived: collect less often, in fewer pauses.
            gc.set_threshold(50_000, 50, 100)

        self.run_worker(load, thread=True, group="warm-up", exit_on_error=False, description="warm-up imports")

    def _import_compose_answer(self, yes: bool | None) -> None:
        if not yes or self.opened.compose_path is None:
            return
        try:
            from launchdeck.app.compose import import_compose

            result = import_compose(self.opened.compose_path)
        except Exception as exc:  # noqa: BLE001 - any import problem is shown, the example stays open
            self.notify(f"Could not import {self.opened.compose_path.name}: {exc}", severity="error", timeout=10)
            return
        self.origin = "compose"
        self.doc = None
        self._saved = None
        self.set_plan(result.plan)
        rows = getattr(result, "rows", None) or []
        self.notify(f"Imported {len(result.plan.services)} services from {self.opened.compose_path.name}"
                    f"{f' ({len(rows)} mapped)' if rows else ''}. Press ctrl+s to save ./{PLAN_NAME}.")

    def terminal_gone(self) -> None:
        """The terminal closed (SIGHUP, or EOF/EIO on it): nobody can answer a question any more.
        Unsaved edits go to a recovery file next to the plan, then the app ends (exit 129)."""
        if self.dirty and self.plan is not None:
            from launchdeck.app.planfile import save_plan

            with suppress(Exception):
                save_plan(self.plan, recovery_path(self.save_path), doc=self.doc)
        self.exit(129, return_code=129)

    # -- palette -----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands, with its Quit (which exits at once) replaced by ours."""
        for command in super().get_system_commands(screen):
            if command.title.lower() != "quit":
                yield command
        yield SystemCommand("Quit", "Leave launchdeck (asks first when there are unsaved changes)",
                            self.action_quit)

    # -- actions -----------------------------------------------------------------------------

    def action_help(self) -> None:
        from launchdeck.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.current_mode))

    def invalid_fields(self) -> list[tuple[str, str, str]]:
        """(plan key, typed text, why refused) of every field holding a value the plan refused."""
        screen = next((s for s in self._plan_screens()), None)
        return screen.invalid_fields() if screen is not None else []

    def _plan_screens(self) -> list[Any]:
        try:
            stack = self.get_screen_stack("plan")
        except KeyError:  # not built yet
            return []
        return [screen for screen in stack if hasattr(screen, "invalid_fields")]

    def action_save(self) -> None:
        self.request_save()

    def action_undo(self) -> None:
        if not self.undo():
            self.notify("Nothing to undo.", timeout=2)

    def action_redo(self) -> None:
        if not self.redo():
            self.notify("Nothing to redo.", timeout=2)

    def request_save(self, then: Callable[[], Any] | None = None, path: Path | None = None) -> None:
        """Save (to `path`, or where Save writes). Fields holding refused values are named and the
        save waits for the user to drop them; then `then` runs once the file is written."""
        if self.plan is None:
            self.notify("Nothing to save: the plan did not load.", severity="warning")
            return
        bad = self.invalid_fields()
        if bad:
            from launchdeck.screens.dialogs import DropInvalidDialog

            def answer(drop: bool | None) -> None:
                if drop:
                    self._write(path, then)
                else:
                    self.action_jump_to_setting(bad[0][0])

            self.push_screen(DropInvalidDialog(bad), answer)
            return
        self._write(path, then)

    def _write(self, path: Path | None, then: Callable[[], Any] | None) -> None:
        from launchdeck.app.planfile import load_plan, save_plan

        assert self.plan is not None
        target = path or self.save_path
        if path is None and self.origin != "file" and target.exists():
            self.notify(f"{target} appeared since launch; not overwriting it. Save as another file (F2).",
                        severity="warning", timeout=8)
            self.action_save_as()
            return
        header = None
        if self.origin == "compose" and self.opened.compose_path is not None:
            header = (f"launchdeck plan, imported from {self.opened.compose_path.name}.\n"
                      "Edit it here or in `launchdeck`; values of secrets never go in this file.")
        try:
            save_plan(self.plan, target, doc=self.doc, header=header)
        except OSError as exc:
            self.notify(f"Could not save {target}: {exc.strerror or exc}", severity="error", timeout=8)
            return
        if self.origin != "file" or target != self.save_path:
            self.doc = load_plan(target).doc  # later saves keep what we just wrote
            self.origin = "file"
            self.save_path = target
        self._saved = self.plan
        self.invalid_dropped()
        self._update_dirty()
        self.notify(f"Saved {target}")
        if then is not None:
            then()

    def invalid_dropped(self) -> None:
        for screen in self._plan_screens():
            screen.reset_invalid()

    def action_save_as(self) -> None:
        from launchdeck.screens.dialogs import SaveAsDialog

        if self.plan is None:
            return
        suggestion = self.save_path if not self.save_path.exists() or self.origin == "file" \
            else self.save_path.with_name("launchdeck.new.yaml")

        def answer(path: str | None) -> None:
            if path:
                self.request_save(path=Path(path).expanduser())

        self.push_screen(SaveAsDialog(str(suggestion), current=self.save_path if self.origin == "file" else None),
                         answer)

    async def action_quit(self) -> None:
        """Every way out (ctrl+q, ctrl+c, the palette) asks first when there are unsaved changes."""
        from launchdeck.screens.dialogs import QuitDialog

        if self.plan is None and self.plan_error is not None:
            self.exit(2, return_code=2)  # the plan is still refused: the CLI's exit code for it
            return
        refused = self.invalid_fields()
        if (not self.dirty and not refused) or self.plan is None:  # typed-but-refused values count too
            self.exit(0)
            return
        if isinstance(self.screen, QuitDialog):
            return

        def answer(choice: str | None) -> None:
            if choice == "save":
                self.request_save(then=lambda: self.exit(0))
            elif choice == "discard":
                self.exit(0)

        self.push_screen(QuitDialog(self.save_path.name, refused), answer)

    async def action_quit_app(self) -> None:  # the older name, kept for key maps and palettes
        await self.action_quit()

    async def run_on(self, mode: str, action: str) -> None:
        """Switch to `mode` and run one of its screen actions once it is built (palette commands)."""
        await self.switch_mode(mode)
        await self.run_action(f"screen.{action}")

    def action_jump_to_setting(self, path: str) -> None:
        """Show the Plan screen focused on a dotted plan key (from a preflight finding)."""
        self.switch_mode("plan")
        self.call_after_refresh(lambda: getattr(self.screen, "focus_setting", lambda _p: None)(path))


def recovery_path(save_path: Path) -> Path:
    """Where unsaved edits go when the terminal closes under the app (as nano keeps `FILE.save`)."""
    return save_path.with_name(save_path.name + ".unsaved")


def make_app(plan_path: str | None = None, *, cwd: Path | None = None, catalog: Any = None,
             log_source: str | None = None, status_enabled: bool = True) -> LaunchDeck:
    """Build the app (used by `launch` and the tests). Raises PlanFileError for a bad plan."""
    return LaunchDeck(open_plan(plan_path, cwd), catalog=catalog, log_source=log_source,
                      status_enabled=status_enabled)


def launch(plan_path: str | None) -> int:
    """Open the TUI. A plan that cannot be read, parsed or validated opens with its FILE:LINE errors
    listed and the editor one key away; quitting while it is still refused prints the errors and
    exits 2. Without a terminal (stdin or stdout redirected) such a plan exits 2 at once."""
    from launchdeck.app.planerrors import PlanFileError

    try:
        app = make_app(plan_path)
    except PlanFileError as exc:
        path = Path(plan_path) if plan_path else Path.cwd() / PLAN_NAME
        if not (sys.stdin.isatty() and sys.stdout.isatty()) or not path.is_file():
            print(str(exc), file=sys.stderr)
            return 2
        app = LaunchDeck(Opened(None, None, path, "file", source=path, error=exc))
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # No terminal to draw on or read keys from (a script, cron, `launchdeck < /dev/null`): the app
        # would wait for keys that never come. Say what to run instead.
        print("launchdeck: the app needs a terminal (standard input and output); in a script use a command, "
              "e.g. `launchdeck estimate launchdeck.yaml` (see `launchdeck --help`)", file=sys.stderr)
        return 2
    result = app.run()
    if app.plan is None and app.plan_error is not None:  # quit while the plan was still refused
        print(str(app.plan_error), file=sys.stderr)
        return 2
    return int(result or 0)
