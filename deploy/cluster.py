"""Two app replicas behind HAProxy with one PostgreSQL, on loopback: `python -m deploy.cluster up|down|status|purge`.

Streamlit keeps a session in the memory of the process serving its websocket, so the balancer pins a browser to
one replica with a cookie it inserts (not by IP: every client here is 127.0.0.1), and all shared state (the
register) is in PostgreSQL. A replica that stops loses only its own sessions: HAProxy's health check takes it
out and sends its browsers, which reconnect by themselves, to the other one.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from deploy import oidc, postgres
from deploy.ports import in_use
from deploy.serving import Serving

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("CLUSTER_DIR") or ROOT / "data" / "cluster")
PORT = int(os.environ.get("CLUSTER_PORT") or 8600)  # the balancer; replicas and PostgreSQL on the next ports
REPLICAS = ("a", "b")
POSTGRES = "postgres"  # the folder, inside the cluster's, that keeps PostgreSQL's data across down and up


@dataclass
class Cluster:
    folder: str
    port: int
    replica_ports: dict[str, int]
    replica_pids: dict[str, int]
    haproxy_pid: int
    postgres_port: int
    postgres_folder: str  # kept across down and up; when run as root, the server runs as `postgres`
    database_url: str
    oidc_port: int = 0  # the demo sign-in provider (deploy/oidc.py)
    oidc_pid: int = 0
    ready_pids: dict[str, int] = field(default_factory=dict)  # each replica's readiness check (deploy/ready.py)
    serving: dict[str, Any] = field(default_factory=dict)  # deploy/serving.Serving: where HAProxy listens, whose sign-in

    @property
    def served(self) -> Serving:
        return Serving(**self.serving)

    @property
    def url(self) -> str:
        return self.served.url(self.port)

    @property
    def secrets_file(self) -> Path:
        return Path(self.served.secrets or Path(self.folder) / "secrets.toml")

    def save(self) -> None:
        state = Path(self.folder) / "cluster.json"
        state.touch(mode=0o600)
        state.chmod(0o600)  # it holds the database's password
        state.write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, folder: Path) -> Cluster | None:
        state = folder / "cluster.json"
        return cls(**json.loads(state.read_text())) if state.is_file() else None


def haproxy_config(port: int, replicas: dict[str, int], pidfile: Path, serving: Serving | None = None) -> str:
    serving = serving or Serving()
    ready = ready_ports(port)
    bind = f"[{serving.bind}]" if ":" in serving.bind else serving.bind
    tls = f" ssl crt {serving.tls}" if serving.tls else ""
    secure = " secure" if serving.tls else ""  # over HTTPS a cookie is never sent over plain HTTP
    # behind TLS the app is told so, and browsers are told to keep to HTTPS
    https = ("\n    http-request set-header X-Forwarded-Proto https"
             "\n    http-after-response set-header Strict-Transport-Security \"max-age=31536000\""
             # the app's own cookies (the sign-in's) marked Secure too: Streamlit behind the balancer sees plain HTTP
             "\n    http-after-response replace-header Set-Cookie '^((?:(?!;\\s*[Ss]ecure).)*)$' '\\1; Secure'"
             ) if serving.tls else ""
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{p} check port {ready[name]} cookie {name} inter 500ms fall 2 rise 1"
        for name, p in replicas.items())
    # the same processes, used only while no replica is ready: their database is down, the public pages still work
    backups = "\n".join(
        f"    server {name}-alone 127.0.0.1:{p} backup check cookie {name}-alone inter 500ms fall 2 rise 1"
        for name, p in replicas.items())
    return f"""global
    maxconn 4096
    pidfile {pidfile}

defaults
    mode http
    option http-server-close
    option redispatch
    retries 2
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h

frontend app
    bind {bind}:{port}{tls}{https}
    # Of Streamlit's own endpoints only what a browser needs is reachable from outside (no /_stcore/metrics,
    # no agent API): the websocket, health and host config, uploads, and custom components.
    acl core path_beg /_stcore/
    acl core_for_browsers path /_stcore/stream /_stcore/health /_stcore/host-config
    acl core_for_browsers path_beg /_stcore/upload_file/ /_stcore/bidi-components/
    http-request deny deny_status 404 if core !core_for_browsers
    # No other site may show the app in a frame (clickjacking)
    http-after-response set-header Content-Security-Policy "frame-ancestors 'self'"
    http-after-response set-header X-Frame-Options SAMEORIGIN
    http-after-response set-header X-Content-Type-Options nosniff
    default_backend replicas

backend replicas
    balance roundrobin
    # sticky sessions by a cookie the balancer inserts; websockets (Upgrade) pass through in http mode
    cookie REFUND_REPLICA insert indirect nocache httponly{secure}
    # ready: the replica and its database answer (deploy/ready.py); a backup is checked on Streamlit's port alone
    option httpchk GET /ready
    http-check expect status 200
    option allbackups
{servers}
{backups}
"""


def answers(url: str, timeout: float = 1.0) -> bool:
    """The URL answers 200 (over HTTPS, with whatever certificate: this only asks whether it is up)."""
    unchecked = ssl._create_unverified_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=unchecked) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _wait(url: str, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if answers(url):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def start_ready_check(name: str, port: int, replica_port: int, database_url: str, folder: Path) -> int:
    log = (folder / f"ready-{name}.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "deploy.ready", str(port), str(replica_port)], cwd=ROOT,
                            env={**os.environ, "REFUND_DATABASE_URL": database_url}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    return proc.pid


def start_replica(name: str, port: int, database_url: str, folder: Path, secrets_file: Path | None = None) -> int:
    """A replica with sign-in required: its secrets (a team's own, or the [auth] and [roles] of deploy/oidc.py in
    the cluster's folder), without which it would refuse every page with client data rather than open them."""
    env = {**os.environ, "REFUND_DATABASE_URL": database_url, "REFUND_REPLICA": name, "REFUND_REQUIRE_SIGN_IN": "1"}
    log = (folder / f"replica-{name}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets_file or folder / "secrets.toml")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc.pid


def ready_ports(port: int) -> dict[str, int]:
    """Each replica's readiness check (deploy/ready.py)."""
    return {n: port + 31 + i for i, n in enumerate(REPLICAS)}


def ports_of(port: int, demo: bool = True) -> dict[str, int]:
    """Every port the cluster listens on, by what listens (the demo sign-in provider's only where it is used)."""
    return {"the balancer": port, **{f"replica {n}": port + 1 + i for i, n in enumerate(REPLICAS)},
            "PostgreSQL": port + 10, **({"the sign-in provider": port + 20} if demo else {}),
            **{f"replica {n}'s readiness check": p for n, p in ready_ports(port).items()}}


def up(folder: Path = STATE_DIR, port: int = PORT, serving: Serving | None = None) -> Cluster:
    """Start PostgreSQL (with the data kept from an earlier run, if any), the sign-in provider (the demo's, unless
    `serving` names a team's own), the replicas and HAProxy. Every port is checked first; a start that fails
    half-way stops what it had started. A cluster already up is left as it is, but for what has stopped
    (repair)."""
    existing = Cluster.load(folder)
    if existing is not None:
        if serving is not None and serving != existing.served:  # said, not dropped without a word (a walkthrough)
            print("cluster: it is up with other settings (CLUSTER_SECRETS, CLUSTER_BIND, CLUSTER_TLS) than these, "
                  "and keeps them; to change them, run `down`, then `up`", file=sys.stderr)
        return repair(existing)
    serving = serving or Serving()
    serving.check_port(port)
    haproxy = _haproxy()
    taken = [f"{what} ({p})" for what, p in ports_of(port, serving.demo).items() if in_use(p)]
    if taken:
        raise SystemExit(f"cluster: port(s) already in use: {', '.join(taken)}. Nothing was started; free them, or "
                         "choose other ports with CLUSTER_PORT (the balancer's; the others follow it)")
    folder.mkdir(parents=True, exist_ok=True)
    replica_ports = {name: port + 1 + i for i, name in enumerate(REPLICAS)}
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(port, replica_ports, folder / "haproxy.pid", serving))
    _check_config(haproxy, config)  # before anything starts: a certificate HAProxy refuses stops it here
    undo: list[Callable[[], None]] = []  # what to stop if a later step fails, in the order started
    try:
        db = postgres.start(folder / POSTGRES, port=port + 10, durable=True)
        undo.append(db.stop)
        provider = None
        if serving.demo:
            provider = oidc.start(port + 20, folder / "oidc.log")
            undo.append(provider.stop)
            secrets_file = folder / "secrets.toml"
            secrets_file.write_text(oidc.secrets_toml(f"http://127.0.0.1:{port}", provider.url))
            secrets_file.chmod(0o600)  # it holds the cookie secret
        # the schema first, once, so the replicas start on a migrated database
        from store import QuoteStore

        QuoteStore.open(db.url).engine.dispose()
        cluster = Cluster(str(folder), port, replica_ports, {}, 0, db.port, str(db.folder), db.url,
                          provider.port if provider else 0, provider.pid if provider else 0, {}, asdict(serving))
        for name in replica_ports:
            _start_replica_of(cluster, name)
            undo.append(functools.partial(kill, cluster.replica_pids[name], group=True))
            undo.append(functools.partial(kill, cluster.ready_pids[name], group=True))
        for name in replica_ports:
            _wait_for_replica(cluster, name)
        subprocess.run([haproxy, "-D", "-f", str(config)], check=True)
        cluster.haproxy_pid = int((folder / "haproxy.pid").read_text().split()[0])
        undo.append(functools.partial(kill, cluster.haproxy_pid))
        _wait(balancer_health(cluster))
    except BaseException:
        for step in reversed(undo):
            with contextlib.suppress(Exception):
                step()
        raise
    cluster.save()
    if serving.provider_metadata and not answers(serving.provider_metadata, timeout=5):
        print(f"cluster: the sign-in provider does not answer at {serving.provider_metadata} (auth.server_metadata_url "
              "of CLUSTER_SECRETS): nobody can sign in until it does; `status` asks it again", file=sys.stderr)
    return cluster


def _check_config(haproxy: str, config: Path) -> None:
    """HAProxy's own check of its configuration; refused, its reasons in one message (a certificate whose key is
    another's ended in a traceback of `haproxy -c`, the reason hidden, a walkthrough)."""
    checked = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    if checked.returncode != 0:
        alerts = [re.sub(r"^.*?\[ALERT\]\s*\(\d+\)\s*:\s*(config\s*:\s*)?(parsing \[[^]]*\]\s*:\s*)?", "", line)
                  for line in (checked.stdout + checked.stderr).splitlines() if "[ALERT]" in line]
        said = [a.strip() for a in alerts if not a.startswith(("Error(s) found", "Fatal errors"))]
        raise SystemExit("cluster: HAProxy refuses its configuration (CLUSTER_TLS, CLUSTER_BIND or CLUSTER_PORT): "
                         + " ".join(said or [(checked.stderr or checked.stdout).strip()[-500:]])
                         + " Nothing was started")


def _haproxy() -> str:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        raise SystemExit("cluster: HAProxy is not installed (apt-get install -y --no-install-recommends haproxy)")
    return haproxy


def _start_replica_of(cluster: Cluster, name: str) -> None:
    """A replica of the cluster and its readiness check, started (again)."""
    folder, port = Path(cluster.folder), cluster.replica_ports[name]
    cluster.replica_pids[name] = start_replica(name, port, cluster.database_url, folder, cluster.secrets_file)
    cluster.ready_pids[name] = _start_ready_check_of(cluster, name)


def _start_ready_check_of(cluster: Cluster, name: str) -> int:
    return start_ready_check(name, ready_ports(cluster.port)[name], cluster.replica_ports[name], cluster.database_url,
                             Path(cluster.folder))


def _wait_for_replica(cluster: Cluster, name: str) -> None:
    _wait(f"http://127.0.0.1:{cluster.replica_ports[name]}/_stcore/health")
    _wait(f"http://127.0.0.1:{ready_ports(cluster.port)[name]}/ready")


def balancer_health(cluster: Cluster) -> str:
    served = cluster.served
    return f"{served.scheme}://{served.probe_host()}:{cluster.port}/_stcore/health"


TEAM_PROVIDER = "the sign-in provider"  # a team's own (CLUSTER_SECRETS): asked by status, never started by the cluster


@dataclass(frozen=True)
class Part:
    """One process of the cluster, and whether it is up: running, and answering on its port."""
    name: str
    where: str
    up: bool


def parts(cluster: Cluster) -> list[Part]:
    """Each part of the cluster as it is now (status reads this, and `up` repairs by it)."""
    ready = ready_ports(cluster.port)
    found = [Part("the balancer", cluster.url, not gone(cluster.haproxy_pid) and answers(balancer_health(cluster))),
             Part("PostgreSQL", f"127.0.0.1:{cluster.postgres_port}", in_use(cluster.postgres_port))]
    if cluster.oidc_pid:
        found.append(Part("the demo sign-in provider", f"127.0.0.1:{cluster.oidc_port}",
                          not gone(cluster.oidc_pid, group=True) and in_use(cluster.oidc_port)))
    elif cluster.served.provider_metadata:  # a team's own, not the cluster's to start: asked whether it answers
        found.append(Part(TEAM_PROVIDER, cluster.served.provider_metadata,
                          answers(cluster.served.provider_metadata, timeout=5)))
    for name, port in cluster.replica_ports.items():
        found.append(Part(f"replica {name}", f"127.0.0.1:{port}", not gone(cluster.replica_pids[name], group=True)
                          and answers(f"http://127.0.0.1:{port}/_stcore/health")))
        found.append(Part(f"replica {name}'s readiness check", f"127.0.0.1:{ready[name]}",
                          not gone(cluster.ready_pids.get(name, 0) or -1, group=True) and in_use(ready[name])))
    return found


def _replica_of(part: Part) -> str | None:
    """The replica a part belongs to (itself, or its readiness check); None for a shared part."""
    return part.name.split()[1].removesuffix("'s") if part.name.startswith("replica ") else None


def repair(cluster: Cluster) -> Cluster:
    """A cluster whose state says it is up: what has stopped started again. A replica (or its readiness check)
    alone is started again, the other replica's sessions going on; a shared part (the balancer, PostgreSQL, the
    sign-in provider: after a reboot, all of them) restarts the whole cluster, its data kept. Raises SystemExit
    when every part is up."""
    down_now = [p for p in parts(cluster) if not p.up and p.name != TEAM_PROVIDER]  # not ours to start
    if not down_now:
        raise SystemExit(f"cluster: already up at {cluster.url}, every part running (state in {cluster.folder}); "
                         "`status` lists them, `down` stops them")
    replicas = {_replica_of(p) for p in down_now}
    folder = Path(cluster.folder)
    if None in replicas:  # a shared part: everything again, on the same ports and settings
        print("cluster: " + ", ".join(p.name for p in down_now) + " stopped: starting the cluster again "
              "(its data is kept)", file=sys.stderr)
        down(folder)
        return up(folder, cluster.port, cluster.served)
    stopped = {p.name for p in down_now}
    for name in sorted(str(r) for r in replicas):
        with contextlib.suppress(KeyError):
            kill(cluster.ready_pids[name], group=True)
        if f"replica {name}" in stopped:
            stop_replica(cluster, name)
            print(f"cluster: replica {name} had stopped: starting it again", file=sys.stderr)
            _start_replica_of(cluster, name)
        else:  # its readiness check alone: the replica, and the sessions it holds, go on (a walkthrough's were moved)
            print(f"cluster: replica {name}'s readiness check had stopped: starting it again", file=sys.stderr)
            cluster.ready_pids[name] = _start_ready_check_of(cluster, name)
        _wait_for_replica(cluster, name)
    cluster.save()
    return cluster


def kill(pid: int, group: bool = False) -> None:
    try:
        if group:
            os.killpg(pid, signal.SIGTERM)
        else:
            os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        with contextlib.suppress(ChildProcessError):  # our own child: reaped, else it lingers as a zombie that
            if os.waitpid(pid, os.WNOHANG)[0] == pid:  # answers kill(pid, 0), and each stop waited its 5 s out
                return
        if gone(pid, group):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL) if group else os.kill(pid, signal.SIGKILL)


def gone(pid: int, group: bool = False) -> bool:
    if pid <= 0:  # never started (a state file from before readiness checks): nothing to find
        return True
    """The process (with `group`, every process of its group) has exited: there is none, or only zombies their
    parent has not reaped yet. `down` runs in another process than the `up` that started the cluster, so it cannot
    reap them itself, and kill(pid, 0) answers for a zombie: each of its six processes waited 2 s for init."""
    try:
        os.killpg(pid, 0) if group else os.kill(pid, 0)
    except ProcessLookupError:
        return True
    if not Path("/proc/self/stat").exists():  # no /proc: only kill(pid, 0) can say
        return False
    stats = Path("/proc").glob("[0-9]*/stat") if group else [Path(f"/proc/{pid}/stat")]
    return all(state == "Z" for state, pgrp in map(_state, stats) if pgrp == pid or not group)


def _state(stat: Path) -> tuple[str, int]:
    """A process's state letter and process group, from its /proc stat ('Z', 0 where it is gone meanwhile)."""
    try:
        state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        return state, int(pgrp)
    except (OSError, IndexError, ValueError):
        return "Z", 0


def stop_replica(cluster: Cluster, name: str) -> None:
    kill(cluster.replica_pids[name], group=True)


def down(folder: Path = STATE_DIR) -> bool:
    """Stop everything `up` started. PostgreSQL's data stays in folder/postgres for the next `up` (`purge`
    deletes it)."""
    cluster = Cluster.load(folder)
    if cluster is None:
        return False
    kill(cluster.haproxy_pid)
    for name in cluster.replica_pids:
        stop_replica(cluster, name)
    if cluster.oidc_pid:
        kill(cluster.oidc_pid, group=True)
    for pid in cluster.ready_pids.values():
        kill(pid, group=True)
    kept = postgres.Server.kept(Path(cluster.postgres_folder))
    if kept is not None:
        kept.stop()
    (folder / "cluster.json").unlink(missing_ok=True)
    return True


def purge(folder: Path = STATE_DIR) -> str:
    """Delete the cluster's PostgreSQL data (it must be down): what was deleted, in words."""
    if Cluster.load(folder) is not None:
        raise SystemExit("cluster: it is up; run `down` first, then `purge`")
    data = folder / POSTGRES
    kept = postgres.Server.kept(data)
    if kept is None:
        return f"cluster: no data to delete in {data}"
    kept.remove()
    return (f"cluster: deleted {data}: the cluster's PostgreSQL server with every saved quote, batch, policy "
            "version and audit event in it")


def status(folder: Path = STATE_DIR) -> tuple[int, list[str]]:
    """Each part and whether it is up (it said "up" of a cluster with a replica dead, a walkthrough): the exit
    status 0 when every part is, 1 when one is not, 3 when the cluster is down."""
    found = Cluster.load(folder)
    if found is None:
        return 3, ["cluster: down"]
    now = parts(found)
    stopped = [p for p in now if not p.up]
    lines = [f"cluster: {'up' if not stopped else 'partly down'} at {found.url} (state in {found.folder})",
             *(f"  {p.name} ({p.where}): {'up' if p.up else 'DOWN'}" for p in now)]
    if any(p.name != TEAM_PROVIDER for p in stopped):
        lines.append("cluster: `bash scripts/cluster.sh up` starts again what has stopped")
    if any(p.name == TEAM_PROVIDER for p in stopped):
        lines.append(f"cluster: the sign-in provider is not part of the cluster: nobody can sign in until "
                     f"{found.served.provider_metadata} answers (auth.server_metadata_url)")
    return (1 if stopped else 0), lines


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "up":
        cluster = up(serving=Serving.from_env())
        served = cluster.served
        print(f"cluster: PostgreSQL on 127.0.0.1:{cluster.postgres_port}; replicas "
              + ", ".join(f"{n} on 127.0.0.1:{p}" for n, p in cluster.replica_ports.items())
              + f"; HAProxy with sticky cookies on {served.bind}:{cluster.port} ({served.scheme.upper()}); logs in "
              f"{cluster.folder}")
        if served.demo:
            print(f"cluster: sign-in through the demo OpenID Connect provider on 127.0.0.1:{cluster.oidc_port}; pick "
                  "a user on its page: " + ", ".join(f"{user} ({role})" for role, user in oidc.DEMO_BY_ROLE.items()))
        else:
            print(f"cluster: sign-in and roles from {served.secrets}")
        print(cluster.url)
        return 0
    if command == "down":
        print(f"cluster: stopped; its data is kept in {STATE_DIR / POSTGRES} for the next `up` (`purge` deletes it)"
              if down() else "cluster: nothing to stop")
        return 0
    if command == "purge":
        print(purge())
        return 0
    if command == "status":
        code, lines = status(STATE_DIR)
        print("\n".join(lines))
        return code
    print("usage: scripts/cluster.sh up|down|status|purge (up also starts again what has stopped)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
