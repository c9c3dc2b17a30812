"""The local cluster's lifecycle, as a user runs it (no browser): `down` keeps the data and `up` finds it again;
`purge` deletes it and says so; `up` with a port taken starts nothing and names the port; the app's database
role is not a superuser and every connection needs a password."""
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy
from shipped import BASIS
from sqlalchemy.exc import OperationalError, ProgrammingError

from deploy import cluster, oidc, postgres
from deploy.ports import in_use
from policy import parse_scenario, quote
from store import QuoteStore
from tests.actors import SAM
from tests.clusters import free_base


@pytest.fixture
def where():
    """The cluster's folder: one the `postgres` user can reach when the tests run as root (pytest's own tmp_path
    is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="refunds-cluster-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def base():
    if shutil.which("haproxy") is None or postgres.binaries() is None:
        if os.environ.get("REQUIRE_CLUSTER") == "1":
            pytest.fail("the cluster tests must run here: apt-get install -y --no-install-recommends haproxy postgresql")
        pytest.skip("no HAProxy or PostgreSQL; to run: apt-get install -y --no-install-recommends haproxy postgresql")
    return free_base()


def test_down_keeps_the_data_for_the_next_up_and_purge_deletes_it_saying_so(base, where):
    folder = where / "cluster"
    running = cluster.up(folder, base)
    try:
        store = QuoteStore.open(running.database_url)
        made = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="700", completion_pct=0,
                                         days_since_payment=2), BASIS), BASIS)
        store.save(made, client_name="Kept Client", by=SAM)
        store.engine.dispose()
    finally:
        assert cluster.down(folder)
    assert not any(in_use(p) for p in cluster.ports_of(base).values())  # everything stopped
    assert (folder / "postgres" / "data" / "PG_VERSION").is_file()  # and the data kept
    again = cluster.up(folder, base)
    try:
        store = QuoteStore.open(again.database_url)
        assert [r.client_name for r in store.find(by=SAM)[0]] == ["Kept Client"]
        store.engine.dispose()
    finally:
        cluster.down(folder)
    said = cluster.purge(folder)
    assert "deleted" in said and "every saved quote" in said and str(folder / "postgres") in said
    assert not (folder / "postgres").exists()


@pytest.mark.parametrize("which", ["replica a", "the balancer", "PostgreSQL"])
def test_up_with_a_port_taken_starts_nothing_and_names_the_port(base, where, which):
    port = cluster.ports_of(base)[which]
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the port may linger in TIME_WAIT
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        with pytest.raises(SystemExit) as caught:
            cluster.up(where / "cluster", base)
        assert f"{which} ({port})" in str(caught.value) and "Nothing was started" in str(caught.value)
        others = [p for w, p in cluster.ports_of(base).items() if w != which]
        assert not any(in_use(p) for p in others)
    assert cluster.Cluster.load(where / "cluster") is None


def test_a_start_that_fails_half_way_stops_what_it_had_started(base, where, monkeypatch):
    def broken_replica(*args, **kwargs):
        raise RuntimeError("replica b did not start")

    started = []
    real = cluster.start_replica

    def one_then_broken(name, *args):
        if started:
            broken_replica()
        started.append(name)
        return real(name, *args)

    monkeypatch.setattr(cluster, "start_replica", one_then_broken)
    with pytest.raises(RuntimeError, match="replica b did not start"):
        cluster.up(where / "cluster", base)
    assert not any(in_use(p) for p in cluster.ports_of(base).values())  # PostgreSQL, the provider, replica a: gone
    postgres.Server.kept(where / "cluster" / "postgres").remove()


def test_the_apps_database_role_needs_a_password_and_cannot_run_programs(postgres):
    url = postgres.url
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
                                 "WHERE rolname = current_user").one() == (False, False, False)
        with pytest.raises(ProgrammingError, match=r"COPY to or from an external program|permission denied"):
            c.exec_driver_sql("COPY (SELECT 1) TO PROGRAM 'id'")
    engine.dispose()
    without = sqlalchemy.create_engine(url.replace(f":{postgres.password}@", "@"))
    with pytest.raises(OperationalError, match="password"):
        without.connect()
    without.dispose()
    hba = subprocess.run(["runuser", "-u", "postgres", "--", "cat", str(postgres.data / "pg_hba.conf")]
                         if os.geteuid() == 0 else ["cat", str(postgres.data / "pg_hba.conf")],
                         capture_output=True, text=True, check=True).stdout
    rules = [line.split() for line in hba.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert rules and all(rule[-1] == "scram-sha-256" for rule in rules)  # no trust line anywhere


def ready(port: int) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def calculator_through(url: str) -> tuple[str, list[str]]:
    """A visitor's calculator through the balancer (Streamlit's websocket, no browser): the Refund and the
    warnings it drew."""
    from load.client import Session, sticky_cookie

    session = Session(url, cookies=sticky_cookie(url))
    try:
        session.run("provider=stepinto&service=ppc&amount_paid=1200&completion_pct=0&days_since_payment=3")
        return session.metrics.get("Refund", ""), session.alerts
    finally:
        session.close()


def until(check, seconds: float = 20.0):
    import time

    end = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < end:
        time.sleep(0.25)
    return found


def test_with_postgresql_stopped_the_public_pages_go_on_and_the_health_check_says_so_then_recover(base, where):
    folder = where / "cluster"
    running = cluster.up(folder, base)
    try:
        checks = cluster.ready_ports(base)
        assert all(ready(p)[0] == 200 for p in checks.values())
        assert calculator_through(running.url) == ("$1,200.00", [])
        server = postgres.Server.kept(folder / "postgres")
        server.stop()
        assert until(lambda: all(ready(p) == (503, {"app": True, "database": False}) for p in checks.values()))
        refund, alerts = calculator_through(running.url)  # served by the same replicas, as backups
        assert refund == "$1,200.00"
        assert any("The register cannot be used now" in a for a in alerts)  # which versions: the replica's last read
        server.start()
        assert until(lambda: all(ready(p)[0] == 200 for p in checks.values()))
        assert until(lambda: calculator_through(running.url) == ("$1,200.00", []))
    finally:
        cluster.down(folder)


def _self_signed(path: Path, another_key: bool = False) -> None:
    """A certificate for 127.0.0.1 and its key, in one PEM, as HAProxy takes them (or another key than its own)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "refunds.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    if another_key:
        key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_a_teams_cluster_serves_https_with_its_own_sign_in_and_up_starts_again_a_replica_that_stopped(
        base, where, capsys):
    """A walkthrough: the cluster could only be a demo (loopback, the demo provider whose page lets anyone be the
    admin), `status` said it was up with a replica dead, and the only way to start that replica again was down and
    up, which ends every session."""
    from deploy.serving import Serving

    _self_signed(where / "site.pem")
    provider = oidc.start(log=where / "provider.log")  # the team's own provider: not the cluster's to start
    (where / "secrets.toml").write_text(oidc.secrets_toml(f"https://127.0.0.1:{base}", provider.url))
    served = Serving.from_env({"CLUSTER_SECRETS": str(where / "secrets.toml"), "CLUSTER_TLS": str(where / "site.pem")})
    folder = where / "cluster"
    running = cluster.up(folder, base, served)
    try:
        assert running.oidc_pid == 0 and not in_use(base + 20)  # no demo provider: anyone could have been the admin
        assert running.url == f"https://127.0.0.1:{base}" and cluster.answers(f"{running.url}/_stcore/health")
        assert not cluster.answers(f"http://127.0.0.1:{base}/_stcore/health")  # HTTPS only
        with urllib.request.urlopen(f"{running.url}/_stcore/health", context=ssl._create_unverified_context(),
                                    timeout=10) as r:  # Streamlit sets its XSRF cookie here
            cookies = r.headers.get_all("Set-Cookie") or []
        assert {c.split("=", 1)[0] for c in cookies} >= {"REFUND_REPLICA", "_streamlit_xsrf"}, cookies
        assert all(re.search(r";\s*[Ss]ecure\b", c) for c in cookies), cookies  # never sent over plain HTTP
        given = Path(f"/proc/{running.replica_pids['a']}/cmdline").read_bytes().split(b"\0")
        assert str(where / "secrets.toml").encode() in given  # the team's sign-in, not a file the cluster wrote
        assert not (folder / "secrets.toml").exists()
        assert all(p.up for p in cluster.parts(running))

        kept_a = running.replica_pids["a"]
        cluster.stop_replica(running, "b")
        code, said = cluster.status(folder)
        assert code == 1 and said[0].startswith(f"cluster: partly down at https://127.0.0.1:{base}")
        assert [line.strip() for line in said if "DOWN" in line] == [f"replica b (127.0.0.1:{base + 2}): DOWN"]
        assert said[-1] == "cluster: `bash scripts/cluster.sh up` starts again what has stopped"
        again = cluster.up(folder, base)  # the state says up: it starts only what stopped
        assert again.replica_pids["a"] == kept_a and all(p.up for p in cluster.parts(again))
        assert "replica b had stopped: starting it again" in capsys.readouterr().err
        cluster.kill(again.ready_pids["a"], group=True)  # a readiness check alone: its replica goes on
        checked = cluster.up(folder, base)
        assert checked.replica_pids["a"] == kept_a and all(p.up for p in cluster.parts(checked))
        assert "replica a's readiness check had stopped: starting it again" in capsys.readouterr().err
        cluster.kill(again.haproxy_pid)  # a shared part (after a reboot, all of them): the whole cluster again
        whole = cluster.up(folder, base)
        assert whole.haproxy_pid != again.haproxy_pid and whole.url == running.url and whole.oidc_pid == 0
        assert "the balancer stopped: starting the cluster again (its data is kept)" in capsys.readouterr().err
        with pytest.raises(SystemExit, match=r"already up at https://127\.0\.0\.1:.*every part running"):
            cluster.up(folder, base, Serving())  # other settings: kept as they are, and said so
        assert "it is up with other settings" in capsys.readouterr().err
        assert cluster.status(folder)[0] == 0
        provider.stop()  # the team's provider down: said, and not started by the cluster
        code, said = cluster.status(folder)
        assert code == 1 and f"  the sign-in provider ({provider.url}/.well-known/openid-configuration): DOWN" in said
        assert said[-1].startswith("cluster: the sign-in provider is not part of the cluster: nobody can sign in")
        assert not any("starts again what has stopped" in line for line in said)
    finally:
        provider.stop()
        cluster.down(folder)
    assert cluster.status(folder) == (3, ["cluster: down"])
    postgres.Server.kept(folder / "postgres").remove()


def test_a_certificate_haproxy_refuses_is_said_in_its_words_and_nothing_starts(base, where):
    """A walkthrough: a certificate whose key was another's ended `up` in a traceback, HAProxy's reason hidden."""
    from deploy.serving import Serving

    _self_signed(where / "site.pem", another_key=True)
    (where / "secrets.toml").write_text(oidc.secrets_toml(f"https://127.0.0.1:{base}", "https://login.example.com"))
    served = Serving.from_env({"CLUSTER_SECRETS": str(where / "secrets.toml"), "CLUSTER_TLS": str(where / "site.pem")})
    with pytest.raises(SystemExit) as refused:
        cluster.up(where / "cluster", base, served)
    said = str(refused.value)
    assert said.startswith("cluster: HAProxy refuses its configuration") and said.endswith("Nothing was started")
    assert "private key" in said and "Traceback" not in said
    assert not any(in_use(p) for p in cluster.ports_of(base).values()) and cluster.Cluster.load(where / "cluster") is None
