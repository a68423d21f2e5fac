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
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from launchdeck.screens.base import DeckScreen
from launchdeck.screens.widgets.choice import Choice

ROLES = ("web", "websocket", "worker", "job")
COLUMNS = ("Name", "Role", "CPU/tier", "Mem/size", "Instances")
COLUMN_CAPS = (13, 13, 13, 9, 9)  # widest each column gets: the list pane is 57 columns inside


@dataclass(frozen=True)
class Field:
    key: str  # plan key relative to the component, dotted
    label: str
    # text | opttext (blank: none) | int | optint | float | optfloat | range | select | bool
    # | names (comma-separated list) | command (shell words)
    kind: str
    choices: tuple[str, ...] = ()
    roles: tuple[str, ...] = ROLES  # service roles the field applies to
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


def field_id(parts: Iterable[str | int]) -> str:
    """The editor's widget id for a plan key relative to its component (`f-usage-egress_gb`)."""
    return "f-" + "-".join(re.sub(r"[^A-Za-z0-9_-]", "_", str(part)) for part in parts)


SERVICE_FIELDS = (
    Field("role", "Role", "select", ROLES),
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
    Field("billing", "Billing", "select", ("request", "instance"), roles=("web", "websocket", "worker")),
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
    Field("network.vpc", "VPC egress", "select", ("none", "connector", "direct")),
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
    Field("tier", "Tier", "select", ("basic", "standard")),
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


class PlanScreen(DeckScreen):
    MODE = "plan"
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("escape", "components", "Components"),
        Binding("ctrl+z", "undo", "Undo"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._component: str | None = None
        # Editor widget -> (plan path, field, index in a [low, high] range). Keyed by the widget
        # object so late events from a form that was just replaced are ignored.
        self._widgets: dict[Widget, tuple[tuple[str | int, ...], Field, int | None]] = {}
        self._rows: list[str] = []
        self._first_highlight = True  # the first paint shows a light overview; the form comes on first move

    def compose_body(self) -> Iterable[Widget]:
        # The two panes sit directly on the screen (its layout is horizontal, the bars are docked):
        # one container less to lay out and paint on the first screen.
        with Vertical(id="components-pane"):
            yield Label("Services and datastores", classes="title")
            yield Static(id="components-header")
            yield OptionList(id="components", compact=True)
        with Vertical(id="form-pane"):
            yield Static(id="form-title", classes="title")
            yield Static(id="why", classes="muted")
            yield VerticalScroll(id="form")
            yield Static(id="form-error", classes="error")

    # -- the component list ------------------------------------------------------------------

    def _component_rows(self) -> list[tuple[str, tuple[Any, ...]]]:
        plan = self.plan
        rows: list[tuple[str, tuple[Any, ...]]] = []
        for name, svc in plan.services.items():
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
            if self._component is not None and self._component not in keys:
                self.call_after_refresh(self._show, keys[0] if keys else None)
        else:
            for key, prompt in zip(keys, prompts, strict=True):
                if components.get_option(key).prompt != prompt:
                    components.replace_option_prompt(key, prompt)
        if self._component is None and not self._first_highlight:
            self._show_overview()

    @on(OptionList.OptionSelected, "#components")
    def _selected(self) -> None:
        self.call_after_refresh(self.action_edit)

    @on(OptionList.OptionHighlighted, "#components")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option_id
        if self._first_highlight:
            # The list highlights its first row when built: that is not the user picking it.
            self._first_highlight = False
            if self._component is None:  # not already showing a form (e.g. a jump from Preflight)
                self._show_overview()
            return
        if key and key != self._component:
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

    # -- the form ----------------------------------------------------------------------------

    def _fields_for(self, component: str) -> tuple[tuple[str | int, ...], tuple[Field, ...], str]:
        plan = self.plan
        if component.startswith("services."):
            name = component.split(".", 1)[1]
            svc = plan.services[name]
            fields = tuple(f for f in SERVICE_FIELDS if svc.role in f.roles
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

    def _value_at(self, path: tuple[str | int, ...]) -> Any:
        node: Any = self.plan
        for key in path:
            node = node[key] if isinstance(node, dict | list | tuple) else getattr(node, str(key))
        return node

    async def _show(self, component: str | None) -> None:
        self._component = component
        form = self.query_one("#form", VerticalScroll)
        await form.remove_children()
        self._widgets = {}
        self.query_one("#form-error", Static).update("")
        if component is None:
            self.query_one("#form-title", Static).update("")
            return
        root, fields, why = self._fields_for(component)
        self.query_one("#form-title", Static).update(f"{component}")
        self.query_one("#why", Static).update(why)
        rows: list[Widget] = []
        for field in fields:
            path = (*root, *field.path)
            value = self._value_at(path)
            wid = field_id(field.path)
            editors: list[Widget] = []
            if field.kind == "select":
                editors.append(Choice(field.choices, value, id=wid))
            elif field.kind == "bool":
                editors.append(Choice(("false", "true"), "true" if value else "false", id=wid))
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
                self._widgets[editor] = (path, field, i if field.kind == "range" else None)
            message = Static(field.side_help, id=f"err-{wid}", classes="field-help")
            rows.append(Horizontal(Label(field.label, classes="field-label"), *editors, message,
                                   classes="field-row"))
        if not fields:
            rows.append(Static("Nothing to edit here.", classes="muted"))
        await form.mount_all(rows)

    # -- applying an edit --------------------------------------------------------------------

    @on(Input.Changed)
    @on(Choice.Changed)
    def _edited(self, event: Input.Changed | Choice.Changed) -> None:
        if event.control not in self._widgets:
            return
        path, field, _index = self._widgets[event.control]
        raw: Any = event.value
        if field.kind == "bool":
            raw = raw == "true"
        if raw == self._value_at(path):
            return
        if field.kind in ("optint", "optfloat"):
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
            raw = self._range_value(path, field)
        self._apply(path, raw, field)

    def _range_value(self, path: tuple[str | int, ...], field: Field) -> Any:
        pair = sorted((idx, w) for w, (p, _f, idx) in self._widgets.items() if p == path and idx is not None)
        parts = [w.value.strip() for _i, w in pair if isinstance(w, Input)]
        if field.key == "usage.avg_instances" and not any(parts):
            return None
        if parts[0] and not parts[1]:
            parts[1] = parts[0]
        return [_number(p, "float") for p in parts]

    def _apply(self, path: tuple[str | int, ...], value: Any, field: Field) -> None:
        from launchdeck.app.planfile import PlanFileError, plan_from_doc

        data = self.plan.model_dump()
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        err = self.query_one(f"#err-{field_id(field.path)}", Static)
        general = self.query_one("#form-error", Static)
        try:
            new = plan_from_doc(data, "plan")
        except PlanFileError as exc:
            dotted = ".".join(map(str, path))
            mine = [e.message for e in exc.errors if e.path == dotted or e.path.startswith(dotted + ".")]
            others = [f"{e.path}: {e.message}" for e in exc.errors if e not in mine and not (
                e.path == dotted or e.path.startswith(dotted + "."))]
            err.update(Text("✗ " + "; ".join(mine), style="bold red") if mine else field.side_help)
            err.set_class(bool(mine), "-error")
            general.update(Text("\n".join(others), style="red") if others else "")
            return
        err.update(field.side_help)
        err.set_class(False, "-error")
        general.update("")
        if new != self.plan:
            self.deck.set_plan(new)
            if field.key == "role":
                self.call_after_refresh(self._reshow)

    async def _reshow(self) -> None:
        focused = self.focused.id if self.focused else None
        await self._show(self._component)
        if focused:
            for w in self.query(f"#{focused}"):
                w.focus()

    # -- actions -----------------------------------------------------------------------------

    async def action_edit(self) -> None:
        components = self.query_one("#components", OptionList)
        if self.focused is components:
            option = components.highlighted_option
            if self._component is None and option is not None:
                await self._show(option.id)
            editors = [w for w in self.query("#form Input, #form Choice")]
            if editors:
                editors[0].focus()

    def action_components(self) -> None:
        self.query_one("#components", OptionList).focus()

    def action_undo(self) -> None:
        if not self.deck.undo():
            self.notify("Nothing to undo.")
            return
        self.call_after_refresh(self._reshow)

    async def focus_setting(self, path: str | None) -> None:
        """Select the component owning dotted plan key `path` and focus its field."""
        if not path:
            return
        parts = path.split(".")
        if parts[0] in ("services", "buckets", "unmapped"):
            component, rest = ".".join(parts[:2]), parts[2:]
        elif parts[0] in SETTINGS_KEYS:
            component, rest = "settings", parts
        else:
            component, rest = parts[0], parts[1:]
        if rest[:1] == ["env"] and len(rest) > 2:  # an env variable whose name has dots
            rest = ["env", ".".join(rest[1:])]
        components = self.query_one("#components", OptionList)
        if component not in self._rows:
            self.notify(f"{path}: not a setting on this screen", severity="warning")
            return
        components.highlighted = components.get_option_index(component)
        if component != self._component:
            await self._show(component)
        wid = field_id(rest)
        for candidate in (wid, f"{wid}-0"):
            hits = self.query(f"#{candidate}")
            if hits:
                hits.first().focus()
                return
        components.focus()
        self.query_one("#form-error", Static).update(
            Text(f"{path} is not edited on this screen: change it in {self.deck.save_path.name} "
                 "(or the compose file) and reopen.", style="yellow"))


SCREEN = PlanScreen
