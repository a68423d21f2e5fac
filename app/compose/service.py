"""One compose app service → one plan service: its role (with why), port, resources, env and secrets."""

from __future__ import annotations

import re
from typing import Any

from launchdeck.app.compose import parts, roles
from launchdeck.app.compose.classify import depends
from launchdeck.app.compose.env import split_env
from launchdeck.app.compose.fit import fit_resources
from launchdeck.app.compose.lift import lift_command_secrets
from launchdeck.app.compose.model import ImportRow, Refs, ServiceResult, Stack
from launchdeck.app.compose.roles import RoleGuess
from launchdeck.app.planfile import _plain as plain  # ruamel nodes as plain dicts and lists

# A command that runs the user's own script, rather than a subcommand of the image's server.
_CUSTOM = re.compile(r"\s*(\S*/)?(python[\d.]*|node|ruby|bundle|sh|bash|php|java|perl|deno|bun|npm|yarn|pnpm)\b")
_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]*:[^/@\s]+@", re.I)
_BUCKET_ENV = re.compile(r"(^|_)BUCKET(_NAME)?$", re.I)
_MIGRATION_IMAGES = re.compile(r"flyway|liquibase|(^|/)migrate/migrate$|dbmate|atlas$")


def _command(svc: dict[str, Any]) -> list[str] | str | None:
    entry, cmd = parts.as_command(svc.get("entrypoint")), parts.as_command(svc.get("command"))
    if isinstance(entry, list) and isinstance(cmd, list):
        return entry + cmd
    if entry and cmd:
        return f"{parts.sniff(entry)} {parts.sniff(cmd)}"
    return entry or cmd


def _traefik(svc: dict[str, Any]) -> tuple[bool, int | None]:
    labels = svc.get("labels") or {}
    items = labels.items() if isinstance(labels, dict) else (str(x).partition("=")[::2] for x in labels)
    routed, port = False, None
    for key, value in items:
        key = str(key)
        if key.startswith("traefik.http.") or key.startswith("caddy"):
            routed = True
        if key.endswith("loadbalancer.server.port") and str(value).strip().isdigit():
            port = int(str(value).strip())
    return routed, port


def guess_role(stack: Stack, name: str, svc: dict[str, Any], cmd: str, ctx: dict[str, Any]) -> RoleGuess:
    """The first rule that applies wins; its words become the `why`."""
    tcp, expose = ctx["tcp"], ctx["expose"]
    published = tcp[0].container if tcp else None
    srv = roles.server(cmd)
    mig = roles.migration(cmd)
    if mig and not published and not srv:
        return RoleGuess("job", f"one-off {mig} command")
    if _MIGRATION_IMAGES.search(parts.image_name(svc.get("image"))):
        return RoleGuess("job", f"migration tool image {svc.get('image')}")
    cons = roles.consumer(cmd)
    generic = cons in ("worker", "queue consumer", "scheduler")
    if cons and not (generic and (srv or published)):
        return RoleGuess("worker", f"{cons} command{', no port' if not published else ''}")
    if roles.worker_name(name, parts.image_name(svc.get("image"))) and not srv:
        extra = f" (port {published} looks like health or metrics)" if published else ""
        return RoleGuess("worker", f"name says it is a background worker{extra}")
    ws = roles.websocket_in_command(cmd)
    port = published or (expose[0] if expose else None) or ctx["traefik_port"] or ctx["http_port"] \
        or roles.port_from_command(cmd) or ctx["env_port"] or ctx["health_port"] or (srv[1] if srv else None)
    if ws:
        return RoleGuess("websocket", f"command serves {ws}", port)
    if roles.websocket_image(parts.image_name(svc.get("image"))):
        return RoleGuess("websocket", f"image {parts.image_name(svc.get('image'))} is a websocket server", port)
    ws_env = roles.websocket_env(list(stack.env[name]))
    if ws_env:
        return RoleGuess("websocket", f"sets {ws_env}", port)
    if name in ctx["ws_refs"]:
        return RoleGuess("websocket", f"{ctx['ws_refs'][name]} connects to it over ws://", port)
    listens = bool(published or expose or srv or ctx["traefik"] or ctx["proxied"] or ctx["http_ref"]
                   or ctx["health_port"])
    if roles.websocket_name(name) and listens:
        return RoleGuess("websocket", f"name '{name}' says it serves websockets", port)
    if published:
        return RoleGuess("web", f"publishes port {published}", port)
    if expose:
        return RoleGuess("web", f"{ctx['expose_from']} port {expose[0]}", port)
    if ctx["traefik"]:
        return RoleGuess("web", "routed by proxy labels", port)
    if ctx["proxied"]:
        return RoleGuess("web", "the reverse proxy forwards to it", port)
    if ctx["http_ref"]:
        on = f" on port {ctx['http_port']}" if ctx["http_port"] else ""
        return RoleGuess("web", f"other services call it over http{on}", port)
    if srv:
        return RoleGuess("web", f"runs {srv[0]}", port)
    if ctx["health_port"]:
        return RoleGuess("web", "its healthcheck fetches an HTTP URL", port)
    if cons:
        return RoleGuess("worker", f"{cons}, no port")
    restart = svc.get("restart")
    if restart is False or str(restart) == "no":
        return RoleGuess("job", "restart: \"no\" and no port: runs once")
    if roles.one_off_name(name):
        return RoleGuess("job", f"name '{name}' and no port: a one-off task")
    image = svc.get("image")
    if parts.image_name(image) and not svc.get("build") and not ctx["image_shared"] and not _CUSTOM.match(cmd):
        # A third-party image of its own is far more often a server (API, UI) than a queue consumer.
        return RoleGuess("web", f"third-party server image {parts.image_name(image)} (no port published: check it)")
    return RoleGuess("worker", "no port published or exposed: runs in the background")


def _image_shared(stack: Stack, name: str, svc: dict[str, Any]) -> bool:
    """Another service runs the same image (the usual shape of a worker beside its web process)."""
    image = str(svc.get("image") or "").rsplit(":", 1)[0]  # as written: `$SNUBA_IMAGE` is shared too
    services = stack.services
    return bool(image) and any(other != name and isinstance(s, dict)
                               and str(s.get("image") or "").rsplit(":", 1)[0] == image
                               for other, s in services.items())


def _wants_gpu(svc: dict[str, Any]) -> bool:
    deploy = svc.get("deploy") if isinstance(svc.get("deploy"), dict) else {}
    res = deploy.get("resources") if isinstance(deploy.get("resources"), dict) else {}
    reservations = res.get("reservations") if isinstance(res.get("reservations"), dict) else {}
    devices = reservations.get("devices") if isinstance(reservations.get("devices"), list) else []
    text = " ".join(parts.sniff(d.get("capabilities")) for d in devices if isinstance(d, dict))
    return "gpu" in text.lower() or bool(svc.get("gpus"))


def _compose_secrets(value: Any) -> list[str]:
    """Service-level `secrets:` (names or {source, target}) as environment-variable-style names."""
    out: list[str] = []
    for item in value if isinstance(value, list) else []:
        name = item.get("target") or item.get("source") if isinstance(item, dict) else item
        if name:
            env_name = re.sub(r"[^A-Za-z0-9_]", "_", str(name).rsplit("/", 1)[-1]).upper()
            if env_name and not env_name[0].isdigit() and env_name not in out:
                out.append(env_name)
    return out


def _below_one(cpu: Any) -> bool:
    from launchdeck.app.units import UnitError, parse_cpu

    try:
        return parse_cpu(cpu) < 1
    except UnitError:
        return False


_DB_URL = re.compile(r"^(?:postgres(?:ql)?|postgis|redis|rediss|valkey)(?:\+[\w]+)?://(?:[^@/\s]*@)?([^:/\s?]+)", re.I)


def _datastore_url(value: str, stack: Stack) -> bool:
    """A Postgres or Redis URL whose host is a compose service the plan turns into Cloud SQL or Memorystore."""
    m = _DB_URL.match(parts.sniff(value).strip())
    return bool(m) and stack.kinds.get(m.group(1)) in ("postgres", "redis")


def _refs(value: str, host: str) -> bool:
    return bool(re.search(rf"(^|[@/=\s,]){re.escape(host)}(:\d+|/|$|\s|,|\?)", value))


def build_service(stack: Stack, name: str, svc: dict[str, Any], buckets: dict[str, Any],
                  refs: Refs) -> ServiceResult:
    """The plan entry for one app service, its row in the import table and its notes."""
    notes: list[str] = []
    override = plain(svc.get("x-launchdeck") or {})
    command = _command(svc)
    cmd = parts.sniff(command).lower()
    # What a local Dockerfile says, for when the compose file is silent.
    docker_ports, docker_cmd = parts.dockerfile_facts(stack.base_dir, svc.get("build"))
    if not command and docker_cmd:
        cmd = parts.sniff(docker_cmd).lower()
    if not cmd and "fpm" in parts.sniff(svc.get("image")).lower():
        cmd = "php-fpm"  # the image's own CMD (nextcloud:fpm, wordpress:fpm): a FastCGI server
    ports = parts.parse_ports(svc.get("ports"))
    tcp = [p for p in ports if p.protocol == "tcp"]
    if len(ports) > len(tcp):
        notes.append(f"{name}: UDP ports are not supported on Cloud Run; left out")
    env = stack.env[name]
    traefik, traefik_port = _traefik(svc)
    health_port, health_path = parts.health_check(svc.get("healthcheck"))
    env_port = parts.sniff(env.get("PORT") or "")
    expose = parts.parse_expose(svc.get("expose"))
    ctx = {"tcp": tcp, "expose": expose or docker_ports, "expose_from": "exposes" if expose else
           "its Dockerfile exposes", "traefik": traefik,
           "traefik_port": traefik_port, "http_port": refs.http.get(name), "http_ref": name in refs.http,
           "ws_refs": refs.ws, "image_shared": _image_shared(stack, name, svc),
           "proxied": name in refs.proxied, "health_port": health_port,
           "env_port": int(env_port) if env_port.isdigit() else None}
    guess = guess_role(stack, name, svc, cmd, ctx)
    if name in stack.remarks:
        guess = RoleGuess(guess.role, f"{guess.why} ({stack.remarks[name]})", guess.port)
    if guess.role == "worker":
        guess = RoleGuess("worker", f"{guess.why} → a worker pool on Cloud Run", guess.port)
    role, why = guess.role, guess.why
    if "role" in override:
        why = f"x-launchdeck sets role {override['role']} (guess was {guess.role}: {guess.why})" \
            if override["role"] != guess.role else f"{guess.why}; x-launchdeck agrees"
        role = override["role"]
    out: dict[str, Any] = {"role": role}
    build = parts.as_build(svc.get("build"))
    if build:
        out["build"] = build
    if svc.get("image"):
        out["image"] = str(svc["image"])
    if command:
        out["command"] = command
    if role in ("web", "websocket") and guess.port:
        out["port"] = guess.port
        if tcp and tcp[0].host and tcp[0].host != tcp[0].container:
            out["host_port"] = tcp[0].host
        if len(tcp) > 1:
            notes.append(f"{name}: also publishes {', '.join(str(p.container) for p in tcp[1:])}; "
                         "a Cloud Run service serves one port")
    if role in ("web", "websocket") and health_path and health_path != "/":
        out["health_path"] = health_path
    cpus, mem = parts.resources(svc)
    if cpus is not None or mem is not None:
        cpu, memory, note = fit_resources(cpus, mem)
        out["cpu"], out["memory"] = cpu, memory
        if note and not ("cpu" in override and "memory" in override):
            notes.append(f"{name}: {note}")
    if _wants_gpu(svc):
        notes.append(f"{name}: reserves a GPU; the plan does not model GPUs (Cloud Run GPUs need at least "
                     "4 vCPU and 16Gi, instance billing, and a region that offers them)")
    if role == "websocket":
        out["timeout"] = 3600  # Cloud Run closes a socket when the request timeout ends
    elif role == "worker":
        out.update(min_instances=1, billing="instance")  # CPU must stay on between requests
        if "scheduler" in why or "beat" in why:
            out["max_instances"] = 1  # two schedulers would fire every task twice
    env_plain, secrets = split_env(env, stack.env_file_only.get(name, []))
    if "env" in override and isinstance(override["env"], dict):
        extra_plain, extra_secrets = split_env(
            {str(k): None if v is None else str(v) for k, v in override.pop("env").items()}, [])
        env_plain.update(extra_plain)
        secrets += [s for s in extra_secrets if s not in secrets]
        for s in extra_secrets:
            env_plain.pop(s, None)
    local = [k for k, v in env_plain.items() if _datastore_url(v, stack)]
    # A datastore URL that carries a password (written out or `${DB_PASSWORD}`) is the connection secret the
    # managed database replaces, as in the example plan: a secret name, set to the Cloud SQL/Memorystore URL.
    with_password = [k for k in local if _URL_PASSWORD.search(env_plain[k])]  # raw: `${X}` is a password too
    for k in with_password:
        env_plain.pop(k)
        if k not in secrets:
            secrets.append(k)
    if with_password:
        notes.append(f"{name}: {', '.join(with_password)} carr{'ies' if len(with_password) == 1 else 'y'} the "
                     "password of a compose datastore that becomes Cloud SQL or Memorystore; listed under secrets "
                     "(set it to the managed address)")
    local = [k for k in local if k not in with_password]
    if local:
        notes.append(f"{name}: {', '.join(local)} point{'s' if len(local) == 1 else ''} at a compose datastore that "
                     "becomes Cloud SQL or Memorystore; kept as written (no credentials in it), so give it the "
                     "managed address before deploying (doctor checks it)")
    mounted = _compose_secrets(svc.get("secrets"))
    if mounted:
        secrets += [n for n in mounted if n not in secrets and n not in env_plain]
        notes.append(f"{name}: compose secrets {', '.join(mounted)} are listed under secrets "
                     "(compose mounts them as files in /run/secrets; check how the app reads them)")
    if env_plain:
        out["env"] = env_plain
    if secrets:
        out["secrets"] = secrets
    deps = _dependencies(stack, svc, env)
    named = [v for k, v in env.items() if v and _BUCKET_ENV.search(k) and v in buckets]
    if "minio" in deps:
        deps.remove("minio")
        named = list(buckets)
    if named:
        out["buckets"] = list(dict.fromkeys(named))
    if deps:
        out["depends_on"] = deps
    out["why"] = why
    for key, value in override.items():
        out[key] = value
    cpu = out.get("cpu", 1)
    if isinstance(cpu, int | float | str) and _below_one(cpu):
        # Cloud Run's rules for a fractional CPU, unless the user chose otherwise.
        out.setdefault("concurrency", 1)
        if "billing" not in override:
            out.pop("billing", None)
    # (an x-launchdeck value of the wrong type is left for validation to report)
    if isinstance(out.get("command"), list | str) and out["command"] and \
            isinstance(out.get("env", {}), dict) and isinstance(out.get("secrets", []), list):
        kept_plain = dict(out.get("env") or {})
        kept_secrets = list(out.get("secrets") or [])
        out["command"], lifted = lift_command_secrets(out["command"], env, kept_plain, kept_secrets)
        if lifted:
            out["secrets"] = kept_secrets
            if kept_plain:
                out["env"] = kept_plain
            else:
                out.pop("env", None)
            where = ", ".join(f"argument {x.index + 1} ({x.what}) → $({x.name})" for x in lifted)
            why += f"; secret in command moved to secrets: {', '.join(dict.fromkeys(x.name for x in lifted))}"
            out["why"] = why
            notes.append(f"{name}: a secret written into its command moved to secrets: {where}. Cloud Run and "
                         "Kubernetes fill in $(NAME) from the secret; set its value in Secret Manager or .env")
    shown = stack.names[name]
    return ServiceResult(out, ImportRow(name, out["role"], why, shown if shown != name else None), tuple(notes))


def _dependencies(stack: Stack, svc: dict[str, Any], env: dict[str, str | None]) -> list[str]:
    deps: list[str] = []

    def add(compose_name: str) -> None:
        kind = stack.kinds.get(compose_name)
        target = {"postgres": "postgres", "redis": "redis", "minio": "minio"}.get(kind or "") or \
            (stack.names.get(compose_name) if kind == "app" else None)
        if target and target not in deps:
            deps.append(target)

    for dep in depends(svc):
        add(dep)
    values = [parts.sniff(v) for v in env.values() if v]
    for other, kind in stack.kinds.items():
        if kind in ("postgres", "redis", "minio") and any(_refs(v, other) for v in values):
            add(other)
    return deps
