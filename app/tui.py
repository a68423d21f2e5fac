"""The launchdeck Textual app: holds the Plan and switches between the six screens.

Kept small on purpose (STYLE 3): screens live in `screens/`, the core in `app/` and `estimators/`.
Only Textual is imported here. The first paint shows the plan's outline; pydantic, the YAML readers
and each screen's core modules load after it or when first needed, and nothing Google-related loads
before it is used (docs/tui.md, "Start-up").
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # for the startup log line and bench/startup.py

import importlib  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any, ClassVar  # noqa: E402

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
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
    MODES: ClassVar[dict[str, Any]] = {mode: _mode(mode) for _, mode, _ in SCREENS}
    DEFAULT_MODE = "plan"  # the first screen is built directly, no empty default screen first
    COMMANDS = App.COMMANDS | {_commands_provider}
    BINDINGS: ClassVar[list[Any]] = [
        *[Binding(key, f"app.switch_mode('{mode}')", label, show=False) for key, mode, label in SCREENS],
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+q", "quit_app", "Quit", show=False, priority=True),
    ]

    plan: reactive[Plan | None] = reactive(None, always_update=True, init=False)
    dirty: reactive[bool] = reactive(False, init=False)

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
        self.plan_error: Exception | None = None  # why the opened plan was refused (the app exits 2)
        self.startup_seconds: float | None = None
        self._history: list[Plan] = []

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
        does not validate ends the app with exit code 2; `launch` prints its FILE:LINE errors.
        """
        if self.plan is not None or self.preview is None:
            return self.plan
        from launchdeck.app.planfile import PlanFileError, load_plan

        source = self.opened.source or self.save_path
        try:
            loaded = load_plan(source)  # the CLI's own reader: same errors, and the comment-keeping doc
        except PlanFileError as exc:
            self.preview = None
            self.plan_error = exc
            self.exit(2, return_code=2)
            return None
        if self.opened.outline_key and self.preview is not None:
            from launchdeck.app.outline import remember

            remember(self.opened.outline_key, self.preview)  # the next start paints without YAML
        self.preview = None
        self.doc = loaded.doc
        self.plan = loaded.plan  # every screen watching `plan` (the Plan screen's list) redraws from it
        return self.plan

    def set_plan(self, plan: Plan) -> None:
        """Replace the plan (already validated); every screen watching `plan` recomputes."""
        if self.plan is not None:
            self._history = [*self._history[-49:], self.plan]
        self.plan = plan
        self.dirty = True

    def undo(self) -> bool:
        """Go back to the plan before the last change; False when there is none."""
        if not self._history:
            return False
        self.plan = self._history.pop()
        self.dirty = bool(self._history) or self.origin != "file"
        return True

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

    def on_mount(self) -> None:
        if self.preview is not None:
            self.call_after_refresh(self.ensure_plan)
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
        # first paint waits for it (or is dropped, when the plan is invalid and the app is ending).
        if self.plan is None and isinstance(event, events.InputEvent | events.Paste) and self.ensure_plan() is None:
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
        self.set_plan(result.plan)
        rows = getattr(result, "rows", None) or []
        self.notify(f"Imported {len(result.plan.services)} services from {self.opened.compose_path.name}"
                    f"{f' ({len(rows)} mapped)' if rows else ''}. Press ctrl+s to save ./{PLAN_NAME}.")

    # -- actions -----------------------------------------------------------------------------

    def action_help(self) -> None:
        from launchdeck.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.current_mode))

    def action_save(self) -> None:
        from launchdeck.app.planfile import save_plan

        if self.plan is None:
            return
        path = self.save_path
        if self.origin != "file" and path.exists():
            self.notify(f"{path} appeared since launch; not overwriting it. Open it with `launchdeck {path}`.",
                        severity="warning", timeout=8)
            return
        header = None
        if self.origin == "compose" and self.opened.compose_path is not None:
            header = (f"launchdeck plan, imported from {self.opened.compose_path.name}.\n"
                      "Edit it here or in `launchdeck`; values of secrets never go in this file.")
        try:
            save_plan(self.plan, path, doc=self.doc, header=header)
        except OSError as exc:
            self.notify(f"Could not save {path}: {exc.strerror or exc}", severity="error", timeout=8)
            return
        if self.origin != "file":
            from launchdeck.app.planfile import load_plan

            self.doc = load_plan(path).doc  # later saves keep what we just wrote
            self.origin = "file"
        self.dirty = False
        self.notify(f"Saved {path}")

    def action_quit_app(self) -> None:
        if not self.dirty:
            self.exit(0)
            return
        from launchdeck.screens.dialogs import ConfirmDialog

        self.push_screen(ConfirmDialog("You have unsaved changes.", "Quit without saving?", yes="Quit"),
                         lambda yes: self.exit(0) if yes else None)

    async def run_on(self, mode: str, action: str) -> None:
        """Switch to `mode` and run one of its screen actions once it is built (palette commands)."""
        await self.switch_mode(mode)
        await self.run_action(f"screen.{action}")

    def action_jump_to_setting(self, path: str) -> None:
        """Show the Plan screen focused on a dotted plan key (from a preflight finding)."""
        self.switch_mode("plan")
        self.call_after_refresh(lambda: getattr(self.screen, "focus_setting", lambda _p: None)(path))


def make_app(plan_path: str | None = None, *, cwd: Path | None = None, catalog: Any = None,
             log_source: str | None = None, status_enabled: bool = True) -> LaunchDeck:
    """Build the app (used by `launch` and the tests). Raises PlanFileError for a bad plan."""
    return LaunchDeck(open_plan(plan_path, cwd), catalog=catalog, log_source=log_source,
                      status_enabled=status_enabled)


def launch(plan_path: str | None) -> int:
    """Open the TUI. A plan that cannot be read or parsed prints its FILE:LINE errors and exits 2
    before the app starts; one that parses but does not validate closes the app right after its
    first paint, with the same errors and exit code."""
    from launchdeck.app.planerrors import PlanFileError

    try:
        app = make_app(plan_path)
    except PlanFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    result = app.run()
    if app.plan_error is not None:  # the plan parsed but did not validate: the app closed at once
        print(str(app.plan_error), file=sys.stderr)
        return 2
    return int(result or 0)
