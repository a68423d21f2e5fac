"""Plan screen: the services and datastores as launchdeck understood them, edited in place.

Every edit is validated by the Plan model itself (pydantic); a bad value shows its message under
the field and the plan stays as it was, so every other screen always sees a valid plan.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.choice import Choice

COLUMNS = ("Name", "Role", "CPU/tier", "Mem/size", "Instances")
COLUMN_CAPS = (13, 13, 13, 9, 9)  # widest each column gets: the list pane is 57 columns inside


@dataclass(frozen=True)
class Field:
    key: str  # plan key relative to the component, dotted
    label: str
    # text | opttext (blank: none) | int | optint | float | optfloat | range | select | bool
    # | names (comma-separated list) | command (shell words)
    kind: str
    model: str = ""  # "Class.field" of a Literal in app.plan: a select's choices (`choices`)
    roles: tuple[str, ...] = ()  # service roles the field applies to (none named: every role)
    help: str = ""
    parts: tuple[str, ...] = ()  # the key's parts when they may contain dots (env variable names)

    @property
    def path(self) -> tuple[str, ...]:
        return self.parts or tuple(self.key.split("."))

    @property
    def wide(self) -> bool:
        return self.kind in ("opttext", "names", "command") or self.key.startswith("env.")

    @property
    def side_help(self) -> str:
        """Help beside the editor; a wide editor shows its help as the placeholder instead."""
        return "" if self.wide else self.help


def choices(field: Field) -> tuple[str, ...]:
    """A select's values, read from the plan model's Literal (one source for each fact)."""
    if field.kind == "bool":
        return ("false", "true")
    from typing import get_args

    from launchdeck.app import plan as model

    cls_name, attr = field.model.split(".")
    return tuple(str(v) for v in get_args(getattr(model, cls_name).model_fields[attr].annotation))


def field_id(parts: Iterable[str | int]) -> str:
    """The editor's widget id for a plan key relative to its component (`f-usage-egress_gb`)."""
    return "f-" + "-".join(re.sub(r"[^A-Za-z0-9_-]", "_", str(part)) for part in parts)


SERVICE_FIELDS = (
    Field("role", "Role", "select", "Service.role"),
    Field("port", "Port", "optint", help="blank: none"),
    Field("image", "Image", "opttext", help="blank: built from Build"),
    Field("build", "Build", "opttext", help="the directory with the Dockerfile"),
    Field("command", "Command", "command", help="blank: the image's own command"),
    Field("cpu", "CPU (vCPU)", "text", help="1, 2, 0.5 or 1000m"),
    Field("memory", "Memory", "text", help="512Mi, 2Gi"),
    Field("min_instances", "Min instances", "int"),
    Field("max_instances", "Max instances", "int"),
    Field("concurrency", "Concurrency", "int", roles=("web", "websocket", "worker")),
    Field("timeout", "Timeout (s)", "int"),
    Field("billing", "Billing", "select", "Service.billing", roles=("web", "websocket", "worker")),
    Field("instances", "Pool instances", "int", roles=("worker",), help="worker pool size (cloud-run)"),
    Field("usage.requests_per_month", "Requests / month", "range", roles=("web", "websocket")),
    Field("usage.seconds_per_request", "Seconds / request", "range", roles=("web", "websocket")),
    Field("usage.busy_fraction", "Busy fraction", "range", roles=("websocket", "worker")),
    Field("usage.avg_instances", "Avg instances", "range", roles=("worker",), help="blank=auto"),
    Field("usage.executions_per_month", "Executions / month", "range", roles=("job",)),
    Field("usage.tasks_per_execution", "Tasks / execution", "range", roles=("job",)),
    Field("usage.seconds_per_execution", "Seconds / execution", "range", roles=("job",)),
    Field("usage.egress_gb", "Egress GiB / month", "range"),
    Field("secrets", "Secrets (names)", "names", help="names, comma-separated; values in Secret Manager"),
    Field("buckets", "Buckets used", "names", help="bucket names, comma-separated"),
)
SETTINGS_FIELDS = (
    Field("name", "Name", "text"),
    Field("project", "GCP project", "opttext", help="blank: $GOOGLE_CLOUD_PROJECT"),
    Field("region", "Region", "text", help="us-central1, europe-west1"),
    Field("ingress.load_balancer", "Load balancer", "bool"),
    Field("ingress.domain", "Domain", "opttext"),
    Field("ingress.max_upload_mb", "Max upload MiB", "optfloat", help="largest request body the app accepts"),
    Field("network.vpc", "VPC egress", "select", "Network.vpc"),
    Field("network.egress_gb", "Egress GiB / month", "range"),
)
# Plan keys edited in the settings row (the target has its own screen).
SETTINGS_KEYS = ("name", "project", "region", "ingress", "network")
POSTGRES_FIELDS = (
    Field("tier", "Tier", "text", help="db-f1-micro, db-custom-2-7680"),
    Field("storage_gb", "Storage GB", "float"),
    Field("backups_gb", "Backups GB", "float"),
    Field("ha", "High availability", "bool"),
    Field("pool_size", "Pool per instance", "int", help="connections each instance opens"),
)
REDIS_FIELDS = (
    Field("tier", "Tier", "select", "Redis.tier"),
    Field("size_gb", "Size GB", "float"),
)
BUCKET_FIELDS = (
    Field("storage_gb", "Storage GB", "float"),
    Field("class_a_ops", "Class A ops / month", "range"),
    Field("class_b_ops", "Class B ops / month", "range"),
)
SELFHOST_FIELDS = (
    Field("hardware_usd", "Hardware USD", "float"),
    Field("lifetime_months", "Lifetime months", "int"),
    Field("watts", "Watts", "float"),
    Field("kwh_usd", "USD per kWh", "float"),
)


def _fmt(value: Any, kind: str = "text") -> str:
    if value is None:
        return ""
    if kind == "command" and isinstance(value, list):
        return shlex.join(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:g}"
    return str(value)


def _sketch(outline: dict[str, Any]) -> Any:
    """An unvalidated plan's outline (`app.outline`), shaped like a Plan for the overview."""
    services = {name: SimpleNamespace(role=svc.get("role", ""), why=svc.get("why"))
                for name, svc in outline.get("services", {}).items()}
    return SimpleNamespace(name=outline.get("name", ""), target=outline.get("target", ""),
                           region=outline.get("region", ""), services=services,
                           postgres="postgres" in outline, redis="redis" in outline,
                           buckets=outline.get("buckets", {}), unmapped=outline.get("unmapped", {}))


def _preview_rows(outline: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """Component rows from an unvalidated plan's outline: names and kinds; sizes once it is validated."""
    plan = _sketch(outline)
    rows: list[tuple[str, tuple[Any, ...]]] = [
        (f"services.{name}", (name, svc.role, "", "", "")) for name, svc in plan.services.items()]
    rows += [(key, (key, kind, "", "", "")) for key, kind, present in (
        ("postgres", "Cloud SQL", plan.postgres), ("redis", "Memorystore", plan.redis)) if present]
    rows += [(f"buckets.{name}", (name, "bucket", "", "", "")) for name in plan.buckets]
    rows.append(("settings", ("settings", "plan", plan.region, "", "")))
    rows.append(("selfhost", ("self-host", "hardware", "", "", "")))
    rows += [(f"unmapped.{name}", (name, "not mapped", "", "", "")) for name in plan.unmapped]
    return rows


def _cells_line(cells: Iterable[Any], widths: list[int]) -> str:
    """One list row: each cell padded to its column, or cut with … (an OptionList row must not wrap)."""
    out = []
    last = len(widths) - 1
    for i, (cell, width) in enumerate(zip(cells, widths, strict=False)):
        text = str(cell)
        room = width if i == last else width - 1  # a gap before the next column
        out.append(text.ljust(width) if len(text) <= room else text[:room - 1] + "… ")
    return "".join(out).rstrip()


def _command(text: str) -> Any:
    """Shell words as the plan's list; text the shell could not split stays text (the plan takes both)."""
    if not text.strip():
        return None
    try:
        return shlex.split(text)
    except ValueError:
        return text


def _number(text: str, kind: str) -> Any:
    """The typed value for pydantic, or the raw text so pydantic reports what is wrong."""
    text = text.strip().replace("_", "").replace(",", "")
    try:
        return int(text) if kind == "int" else float(text)
    except ValueError:
        return text



# A form editor's place in the plan: (component, plan path, field, index in a [low, high] range).
Bind = tuple[str, tuple[str | int, ...], Field, int | None]
HAND_SET = re.compile(r"set by hand \(the import suggested (?P<role>[a-z]+)(?:: (?P<why>.*))?\)", re.S)


def why_after_role_change(old_role: str, old_why: str | None, new_role: str) -> str | None:
    """The service's `why` once the user picks `new_role`: it stops explaining the old role, keeps
    what the import suggested, and comes back when the user returns to the suggestion."""
    hit = HAND_SET.fullmatch(old_why or "")
    first_role, first_why = (hit["role"], hit["why"]) if hit else (old_role, old_why)
    if new_role == first_role:
        return first_why
    return f"set by hand (the import suggested {first_role}{f': {first_why}' if first_why else ''})"


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class PlanScreen(DeckScreen):
    MODE = "plan"
    # Keys that move the focus are priority bindings: Textual hands a key to whatever has the focus
    # when the key arrives, so keys typed ahead of a focus change would land in the old place. Run
    # here, in arrival order, the move happens before the next key is handed on. Each action skips
    # (SkipAction) where it does not apply, and the key goes its usual way.
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("tab", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
        Binding("enter", "enter", "Edit the component", show=False, priority=True),
        Binding("escape", "leave_field", "Components", priority=True),
        Binding("down,j", "list_move('down')", "Next component", show=False, priority=True),
        Binding("up,k", "list_move('up')", "Previous component", show=False, priority=True),
        Binding("home,g", "list_move('first')", "First component", show=False, priority=True),
        Binding("end,G", "list_move('last')", "Last component", show=False, priority=True),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-narrow"), (110, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self._component: str | None = None
        self._forms: dict[str, VerticalScroll] = {}  # built once per component, then shown or hidden
        self._shapes: dict[str, tuple[str, ...]] = {}  # the fields each form was built with
        self._widgets: dict[Widget, Bind] = {}
        self._refused: dict[Widget, str] = {}  # editors holding a value the plan refused: why
        self._rows: list[str] = []
        self._applying = False  # the plan is changing because of a keystroke here
        self._first_highlight = True  # the first paint shows a light overview; the form comes on first move

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="components-pane"):
            yield Label("Services and datastores", classes="title")
            yield Static(id="components-header")
            yield OptionList(id="components", compact=True)
        with Vertical(id="form-pane"):
            yield Static(id="form-title", classes="title")
            yield Static(id="why", classes="muted")
            yield Vertical(id="forms")
            yield Static(id="form-error", classes="error")

    # -- the component list ------------------------------------------------------------------

    def _component_rows(self) -> list[tuple[str, tuple[Any, ...]]]:
        from launchdeck.app.plan import runs_as_job, runs_as_worker_pool, worker_pool_shape

        plan = self.plan
        rows: list[tuple[str, tuple[Any, ...]]] = []
        for name, svc in plan.services.items():
            # What the target will run: a worker pool has a fixed count and a job runs per execution,
            # so a min–max range would promise autoscaling that does not happen.
            if runs_as_worker_pool(svc, plan.target):
                inst = f"{worker_pool_shape(svc).instances} fixed"
            elif runs_as_job(svc, plan.target):
                inst = "per run"
            else:
                inst = f"{svc.min_instances}–{svc.max_instances}"
            rows.append((f"services.{name}", (name, svc.role, svc.cpu_text, svc.memory, inst)))
        if plan.postgres:
            rows.append(("postgres", ("postgres", "Cloud SQL", plan.postgres.tier, f"{plan.postgres.storage_gb:g} GB",
                                      "HA" if plan.postgres.ha else "")))
        if plan.redis:
            rows.append(("redis", ("redis", "Memorystore", plan.redis.tier, f"{plan.redis.size_gb:g} GB", "")))
        for name, bucket in plan.buckets.items():
            rows.append((f"buckets.{name}", (name, "bucket", bucket.storage_class.lower(),
                                             f"{bucket.storage_gb:g} GB", "")))
        rows.append(("settings", ("settings", "plan", plan.region, "LB" if plan.ingress.load_balancer else "", "")))
        rows.append(("selfhost", ("self-host", "hardware", f"${plan.selfhost.hardware_usd:g}",
                                  f"{plan.selfhost.watts:g} W", f"{plan.selfhost.lifetime_months} mo")))
        for name, extra in plan.unmapped.items():
            rows.append((f"unmapped.{name}", (name, "not mapped", extra.image or "", "", "")))
        return rows

    def plan_changed(self) -> None:
        components = self.query_one("#components", OptionList)
        # Until the opened file is validated (just after the first paint) only names and kinds show.
        rows = self._component_rows() if self.deck.plan is not None else _preview_rows(self.deck.preview or {})
        keys = [k for k, _ in rows]
        # An OptionList of aligned text rows, not a DataTable: it costs a fraction of the time to
        # build and paint, and this is the first screen (bench/startup.py).
        widths = [min(cap, max(len(h), *(len(str(cells[i])) for _, cells in rows)) + 2)
                  for i, (h, cap) in enumerate(zip(COLUMNS, COLUMN_CAPS, strict=True))]
        self.query_one("#components-header", Static).update(
            Text(_cells_line(COLUMNS, widths), style="bold", no_wrap=True, overflow="ellipsis"))
        prompts = [Text(_cells_line(cells, widths), no_wrap=True, overflow="ellipsis") for _, cells in rows]
        if keys != self._rows:
            # Components added or removed (e.g. a compose import): rebuild the list once.
            highlighted = components.highlighted
            components.set_options(Option(prompt, id=key) for key, prompt in zip(keys, prompts, strict=True))
            components.highlighted = min(highlighted or 0, len(keys) - 1) if keys else None
            self._rows = keys
        else:
            for key, prompt in zip(keys, prompts, strict=True):
                if components.get_option(key).prompt != prompt:
                    components.replace_option_prompt(key, prompt)
        if self.deck.plan is None:
            if self._component is None and not self._first_highlight:
                self._show_overview()
            return
        if not self._applying:
            self._sync_forms()
        elif self._component is not None:
            self._describe(self._component)
        if self._component is None and not self._first_highlight:
            self._show_overview()

    def _sync_forms(self) -> None:
        """The plan changed elsewhere (undo, redo, a target, an import): bring every built form to it.
        A form whose fields no longer fit (a role change, a removed component) is built again."""
        for component in list(self._forms):
            if component not in self._rows or self._shape(component) != self._shapes[component]:
                self._drop_form(component)
        for editor, (_component, path, field, index) in self._widgets.items():
            text = self._text_at(path, field, index)
            if _editor_value(editor) != text:
                _set_editor(editor, text)
        for editor in list(self._refused):  # only these show a refusal to clear
            self._mark(editor, None)
        self.query_one("#form-error", Static).update("")
        if self._component is not None:
            if self._component not in self._rows:
                self._component = None
                self._show_overview()
            elif self._component not in self._forms:
                focused = self.focused.id if self.focused is not None else None
                component, self._component = self._component, None
                self.call_later(self._show, component, focused)
            else:
                self._describe(self._component)

    def _drop_form(self, component: str) -> None:
        form = self._forms.pop(component)
        self._shapes.pop(component, None)
        for editor in [w for w, bind in self._widgets.items() if bind[0] == component]:
            self._widgets.pop(editor, None)
            self._refused.pop(editor, None)
        form.remove()

    @on(OptionList.OptionSelected, "#components")
    async def _selected(self) -> None:
        await self._edit_highlighted()

    @on(OptionList.OptionHighlighted, "#components")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._first_highlight:
            # The list highlights its first row when built: that is not the user picking it.
            self._first_highlight = False
            if self._component is None:  # not already showing a form (e.g. a jump from Preflight)
                self._show_overview()
            return
        # Only the latest of several queued moves builds a form (`_show` returns at once for the others).
        key = event.option_id
        if key and key != self._component and key == _highlighted_id(event.option_list):
            await self._show(key)

    def _show_overview(self) -> None:
        plan = self.deck.plan or _sketch(self.deck.preview or {})
        where = "".join((f" → {plan.target}" if plan.target else "", f" in {plan.region}" if plan.region else ""))
        self.query_one("#form-title", Static).update(f"{plan.name}: {len(plan.services)} services{where}")
        text = Text()
        for name, svc in plan.services.items():
            text.append(f"{name:<10} ", style="bold")
            text.append(f"{svc.role:<9} ", style="cyan")
            text.append(f"{svc.why or ''}\n", style="dim")
        stores = [n for n, v in (("Postgres → Cloud SQL", plan.postgres), ("Redis → Memorystore", plan.redis)) if v]
        if plan.buckets:
            stores.append(f"{len(plan.buckets)} buckets → Cloud Storage")
        if stores:
            text.append("\n" + " · ".join(stores) + "\n")
        if plan.unmapped:
            text.append(f"Not mapped: {', '.join(plan.unmapped)}\n", style="yellow")
        text.append("\n↑/↓ picks a component, enter edits it; 2–6 open the other screens; ctrl+s saves.",
                    style="italic")
        self.query_one("#why", Static).update(text)

    # -- the forms ---------------------------------------------------------------------------

    def _fields_for(self, component: str) -> tuple[tuple[str | int, ...], tuple[Field, ...], str]:
        plan = self.plan
        if component.startswith("services."):
            name = component.split(".", 1)[1]
            svc = plan.services[name]
            fields = tuple(f for f in SERVICE_FIELDS if (not f.roles or svc.role in f.roles)
                           and not (f.key == "build" and isinstance(svc.build, dict)))  # a mapping: edit the file
            env = tuple(Field(f"env.{key}", key, "text", help="empty value", parts=("env", key)) for key in svc.env)
            why = f"role {svc.role}: {svc.why}" if svc.why else f"role {svc.role}"
            return ("services", name), fields + env, why
        if component == "postgres":
            return ("postgres",), POSTGRES_FIELDS, "Postgres becomes Cloud SQL (self-host: a postgres container)"
        if component == "redis":
            return ("redis",), REDIS_FIELDS, "Redis becomes Memorystore (self-host: a redis container)"
        if component.startswith("buckets."):
            return ("buckets", component.split(".", 1)[1]), BUCKET_FIELDS, "a Cloud Storage bucket"
        if component == "settings":
            return (), SETTINGS_FIELDS, "the plan's own settings: where it runs and how traffic reaches it"
        if component == "selfhost":
            return ("selfhost",), SELFHOST_FIELDS, "the self-host box, for the GCP vs self-host comparison"
        name = component.split(".", 1)[1]
        note = self.plan.unmapped[name].note
        return ("unmapped", name), (), f"not mapped to a managed service: {note}"

    def _shape(self, component: str) -> tuple[str, ...]:
        return tuple(f.key for f in self._fields_for(component)[1])

    def _value_at(self, path: tuple[str | int, ...]) -> Any:
        node: Any = self.plan
        for key in path:
            node = node[key] if isinstance(node, dict | list | tuple) else getattr(node, str(key))
        return node

    def _text_at(self, path: tuple[str | int, ...], field: Field, index: int | None) -> str:
        """What an editor shows for the plan's current value."""
        value = self._value_at(path)
        if field.kind == "bool":
            return "true" if value else "false"
        if index is not None:
            return _fmt(value[index] if value is not None else None)
        return _fmt(value, field.kind)

    def _describe(self, component: str) -> None:
        self.query_one("#form-title", Static).update(component)
        self.query_one("#why", Static).update(self._fields_for(component)[2])

    async def _show(self, component: str | None, focus: str | None = None) -> None:
        """Show `component`'s form: built the first time, shown again after that (nothing rebuilt)."""
        if component is None or self.deck.plan is None:
            return
        if component == self._component and component in self._forms:
            return
        previous = self._forms.get(self._component or "")
        self._component = component
        self.query_one("#form-error", Static).update("")
        self._describe(component)
        if component not in self._forms:
            form = self._build(component)
            self._forms[component] = form
            form.display = False
            await self.query_one("#forms", Vertical).mount(form)
        if self._component != component:  # another component was picked while this one was built
            return
        if previous is not None and previous is not self._forms[component]:
            previous.display = False
        self._forms[component].display = True
        self._show_refused()
        if focus:
            for widget in self._forms[component].query(f"#{focus}"):
                self.set_focus(widget)

    def _build(self, component: str) -> VerticalScroll:
        root, fields, _why = self._fields_for(component)
        self._shapes[component] = tuple(f.key for f in fields)
        rows: list[Widget] = []
        for field in fields:
            path = (*root, *field.path)
            value = self._value_at(path)
            wid = field_id(field.path)
            editors: list[Widget] = []
            if field.kind in ("select", "bool"):
                editors.append(Choice(choices(field), self._text_at(path, field, None), id=wid))
            elif field.kind == "range":
                low, high = value if value is not None else (None, None)
                for i, part in enumerate((low, high)):
                    editors.append(Input(_fmt(part), id=f"{wid}-{i}", placeholder="low" if i == 0 else "high",
                                         classes="range", compact=True))
            else:
                blank = (field.help if field.wide else "") or ("—" if field.kind.startswith("opt") else field.label)
                editors.append(Input(_fmt(value, field.kind), id=wid, placeholder=blank, compact=True,
                                     classes="wide" if field.wide else ""))
            for i, editor in enumerate(editors):
                self._widgets[editor] = (component, path, field, i if field.kind == "range" else None)
            message = Static(field.side_help, id=f"err-{wid}", classes="field-help")
            rows.append(Horizontal(Label(field.label, classes="field-label"), *editors, message,
                                   classes="field-row"))
        if not fields:
            rows.append(Static("Nothing to edit here.", classes="muted"))
        return VerticalScroll(*rows, classes="form")

    def current(self, selector: str) -> Widget:
        """The widget matching `selector` in the form on show (each component has its own form)."""
        return self._forms[self._component or ""].query_one(selector)

    # -- applying an edit --------------------------------------------------------------------

    @on(Input.Changed)
    @on(Choice.Changed)
    def _edited(self, event: Input.Changed | Choice.Changed) -> None:
        editor = event.control
        if editor not in self._widgets or self.deck.plan is None:
            return
        _component, path, field, index = self._widgets[editor]
        if str(event.value) == self._text_at(path, field, index) and editor not in self._refused:
            return  # shows the plan's value already (a sync, or typed back to it)
        raw: Any = event.value
        if field.kind == "bool":
            raw = raw == "true"
        elif field.kind in ("optint", "optfloat"):
            raw = _number(str(raw), field.kind[3:]) if str(raw).strip() else None
        elif field.kind == "opttext":
            raw = str(raw).strip() or None
        elif field.kind == "names":
            raw = [name.strip() for name in str(raw).split(",") if name.strip()]
        elif field.kind == "command":
            raw = _command(str(raw))
        elif field.kind in ("int", "float"):
            raw = _number(str(raw), field.kind)
        elif field.kind == "range":
            raw = self._range_value(editor, path, field)
        self._apply(editor, path, raw, field)

    def _range_value(self, editor: Widget, path: tuple[str | int, ...], field: Field) -> Any:
        pair = sorted((idx, w) for w, (c, p, _f, idx) in self._widgets.items()
                      if p == path and idx is not None and c == self._widgets[editor][0])
        parts = [_editor_value(w).strip() for _i, w in pair]
        if field.key == "usage.avg_instances" and not any(parts):
            return None
        if parts[0] and not parts[1]:
            parts[1] = parts[0]
        return [_number(p, "float") for p in parts]

    def _apply(self, editor: Widget, path: tuple[str | int, ...], value: Any, field: Field) -> None:
        from launchdeck.app.planfile import PlanFileError, plan_from_doc

        # Only what the plan sets (its defaults stay defaults): some rules read which keys are given,
        # e.g. a worker pool's `instances` wins over min_instances only when the plan names it.
        data = self.plan.model_dump(exclude_unset=True)
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        old = _plain(self._value_at(path[:-1] + ("role",))) if field.key == "role" else None
        node[path[-1]] = value
        if field.key == "role" and path[0] == "services" and isinstance(node, dict):
            node["why"] = why_after_role_change(str(old), node.get("why"), str(value))
        general = self.query_one("#form-error", Static)
        try:
            new = plan_from_doc(data, "plan")
        except PlanFileError as exc:
            dotted = ".".join(map(str, path))
            mine = [e for e in exc.errors if e.path == dotted or e.path.startswith(dotted + ".")]
            others = [f"{e.path}: {e.message}" for e in exc.errors if e not in mine]
            self._mark(editor, "; ".join(e.message for e in mine) if mine else None)
            general.update(Text("\n".join(others), style="red") if others else "")
            if not mine and others:
                self._refused[editor] = others[0]
            return
        self._mark(editor, None)
        general.update("")
        if new != self.plan:
            self._applying = field.key != "role"  # a role change reshapes the form: sync it
            try:
                self.deck.set_plan(new, edit=".".join(map(str, path)))
            finally:
                self._applying = False

    def _mark(self, editor: Widget, why: str | None) -> None:
        """Show (or clear) the refusal beside `editor`; remember it for Save and Quit."""
        _c, _p, field, _i = self._widgets[editor]
        if why is None:
            self._refused.pop(editor, None)
        else:
            self._refused[editor] = why
        siblings = [w for w, b in self._widgets.items() if b[1] == self._widgets[editor][1]
                    and b[0] == self._widgets[editor][0]]
        reason = next((self._refused[w] for w in siblings if w in self._refused), None)
        row = editor.parent
        if row is None:
            return
        help_ = row.query(".field-help")
        if help_:
            message = help_.first(Static)
            message.update(Text("✗ " + reason, style="bold red") if reason else field.side_help)
            message.set_class(reason is not None, "-error")

    def _show_refused(self) -> None:
        general = self.query_one("#form-error", Static)
        elsewhere = [(k, why) for k, _typed, why in self.invalid_fields()
                     if not any(b[0] == self._component and ".".join(map(str, b[1])) == k
                                for b in self._widgets.values())]
        general.update(Text("Refused elsewhere: " + "; ".join(f"{k}: {why}" for k, why in elsewhere),
                            style="yellow") if elsewhere else "")

    def invalid_fields(self) -> list[tuple[str, str, str]]:
        """(plan key, typed text, why refused) for every editor holding a refused value."""
        out: list[tuple[str, str, str]] = []
        for editor, why in self._refused.items():
            _c, path, _f, index = self._widgets[editor]
            key = ".".join(map(str, path)) + (f"[{'low' if index == 0 else 'high'}]" if index is not None else "")
            out.append((key, _editor_value(editor), why))
        return out

    def reset_invalid(self) -> None:
        """Saved without the refused values: their editors show the plan's values again."""
        for editor in list(self._refused):
            _c, path, field, index = self._widgets[editor]
            _set_editor(editor, self._text_at(path, field, index))
            self._mark(editor, None)
        self.query_one("#form-error", Static).update("")

    def on_descendant_blur(self) -> None:
        self.deck.seal_edit()  # the next keystroke in any field starts a new undo step

    # -- actions -----------------------------------------------------------------------------

    def _list(self) -> OptionList:
        return self.query_one("#components", OptionList)

    async def _edit_highlighted(self) -> None:
        option = self._list().highlighted_option
        if option is None or option.id is None:
            return
        await self._show(option.id)
        editors = self._editors()
        if editors:
            self.set_focus(editors[0])

    def _editors(self) -> list[Widget]:
        form = self._forms.get(self._component or "")
        return list(form.query("Input, Choice")) if form is not None else []

    async def action_edit(self) -> None:
        if self.focused is self._list():
            await self._edit_highlighted()

    async def action_enter(self) -> None:
        if self.focused is not self._list():
            raise SkipAction()
        await self._edit_highlighted()

    async def action_next_field(self) -> None:
        await self._step_field(1)

    async def action_previous_field(self) -> None:
        await self._step_field(-1)

    async def _step_field(self, step: int) -> None:
        if self.app.screen is not self:
            raise SkipAction()
        if self.focused is self._list():
            if step > 0:
                await self._edit_highlighted()
            else:
                raise SkipAction()
            return
        editors = self._editors()
        if self.focused in editors:
            index = editors.index(self.focused) + step
            if 0 <= index < len(editors):
                self.set_focus(editors[index])
            else:
                self.set_focus(self._list())
            return
        raise SkipAction()

    def action_leave_field(self) -> None:
        if self.app.screen is not self or self.focused is self._list() or self.focused not in self._widgets:
            raise SkipAction()
        self.set_focus(self._list())

    def action_components(self) -> None:
        self.set_focus(self._list())

    async def action_list_move(self, where: str) -> None:
        components = self._list()
        if self.app.screen is not self or self.focused is not components:
            raise SkipAction()
        {"down": components.action_cursor_down, "up": components.action_cursor_up,
         "first": components.action_first, "last": components.action_last}[where]()

    def action_undo(self) -> None:  # the palette's "plan: undo"
        self.deck.action_undo()

    async def focus_setting(self, path: str | None) -> None:
        """Select the component owning dotted plan key `path` and focus its field."""
        if not path or self.deck.ensure_plan() is None:
            return
        parts = path.split(".")
        if parts[0] in ("services", "buckets", "unmapped"):
            component, rest = ".".join(parts[:2]), parts[2:]
        elif parts[0] in SETTINGS_KEYS:
            component, rest = "settings", parts
        else:
            component, rest = parts[0], parts[1:]
        rest[-1:] = [rest[-1].split("[")[0]] if rest else []  # "usage.x[low]" from invalid_fields
        if rest[:1] == ["env"] and len(rest) > 2:  # an env variable whose name has dots
            rest = ["env", ".".join(rest[1:])]
        components = self._list()
        if component not in self._rows:
            self.notify(f"{path}: not a setting on this screen", severity="warning")
            return
        self._first_highlight = False
        components.highlighted = components.get_option_index(component)
        await self._show(component)
        wid = field_id(rest)
        form = self._forms.get(component)
        if form is None:
            return
        for candidate in (wid, f"{wid}-0"):
            hits = form.query(f"#{candidate}")
            if hits:
                self.set_focus(hits.first())
                return
        self.set_focus(components)
        self.query_one("#form-error", Static).update(
            Text(f"{path} is not edited on this screen: change it in {self.deck.save_path.name} "
                 "(or the compose file) and reopen.", style="yellow"))


def _highlighted_id(option_list: OptionList) -> str | None:
    option = option_list.highlighted_option
    return option.id if option is not None else None


def _editor_value(editor: Widget) -> str:
    return str(getattr(editor, "value", ""))


def _set_editor(editor: Widget, text: str) -> None:
    if isinstance(editor, Input | Choice):
        editor.value = text


SCREEN = PlanScreen
