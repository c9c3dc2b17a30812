"""`python -m deploy.oidc`: the demo sign-in provider and the app's secrets for it, on one computer (docs/sign-in.md).
The browser's sign-in tests start it the same way (deploy.oidc.serve)."""
from deploy import oidc


def test_it_never_overwrites_a_secrets_file_and_says_which(tmp_path, capsys):
    kept = tmp_path / "secrets.toml"
    kept.write_text("[auth]\nreal = true\n")
    assert oidc.main(["--secrets", str(kept), "--port", "1"]) == 2
    assert f"{kept} exists: move it aside, or give --secrets another path" in capsys.readouterr().err
    assert kept.read_text() == "[auth]\nreal = true\n"


def test_it_serves_the_demo_users_and_writes_secrets_pointing_the_app_at_it(tmp_path):
    import urllib.request

    from deploy.ports import free_port

    secrets = tmp_path / ".streamlit" / "secrets.toml"
    provider = oidc.serve(free_port(), "http://localhost:8501/", secrets)
    try:
        with urllib.request.urlopen(f"{provider.url}/.well-known/openid-configuration", timeout=5) as answer:
            assert answer.status == 200
        said = secrets.read_text()
        assert 'redirect_uri = "http://localhost:8501/oauth2callback"' in said
        assert f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"' in said
        assert not list(tmp_path.rglob("*.part"))  # written whole
    finally:
        provider.stop()


def test_a_start_that_fails_says_why_in_the_providers_own_words(tmp_path, capsys, monkeypatch):
    """A walkthrough ran it after command 1, which does not install the tests' packages: "exited with 1 (port 8631
    taken?)", the port free and the provider's own words thrown away."""
    import importlib.util
    import socket

    found = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "oidc_provider_mock" else found(name, *a))
    assert oidc.main(["--secrets", str(tmp_path / "secrets.toml"), "--port", "1"]) == 2
    assert "pip install --require-hashes -r requirements-dev.lock" in capsys.readouterr().err
    assert not (tmp_path / "secrets.toml").exists()
    monkeypatch.undo()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert oidc.main(["--secrets", str(tmp_path / "secrets.toml"), "--port", str(port)]) == 2
    assert "address already in use" in capsys.readouterr().err


def test_a_stop_by_sigterm_stops_the_provider_too(tmp_path):
    """Stopped by SIGTERM (a service manager, kill), it left the provider listening (a walkthrough)."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    from deploy.ports import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "deploy.oidc", "--port", str(port), "--secrets",
                             str(tmp_path / "secrets.toml")], stdout=subprocess.PIPE, text=True)
    try:
        assert "the demo provider is on" in (proc.stdout.readline() if proc.stdout else "")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        # the provider's own process, found by its command line (its port may be another server's by then)
        def providers() -> list:
            return [p for p in psutil.process_iter(["cmdline"])
                    if "oidc_provider_mock" in (p.info["cmdline"] or []) and str(port) in (p.info["cmdline"] or [])
                    and p.status() != psutil.STATUS_ZOMBIE]

        end = time.monotonic() + 10
        while providers() and time.monotonic() < end:
            time.sleep(0.1)
        assert not providers(), "the provider still runs after its starter was stopped"
    finally:
        proc.kill()


def test_people_of_ones_own_are_added_with_their_roles_and_a_bad_one_is_named(tmp_path, capsys):
    """A walkthrough wanted its own Riley in sales and Sam in sales-ops: it wrote the secrets and started the provider
    by hand, as the docs gave no way."""
    import tomllib

    import pytest

    from store.access import Role, RoleMap

    users, roles = oidc.with_people([oidc.person("riley@example.com=sales"), oidc.person(" sam@ops.example.com = Sales-Ops")])
    assert users[-2:] == ({"sub": "riley@example.com", "email": "riley@example.com", "name": "Riley"},
                          {"sub": "sam@ops.example.com", "email": "sam@ops.example.com", "name": "Sam"})
    said = tomllib.loads(oidc.secrets_toml("http://localhost:8501", "http://127.0.0.1:1", roles))["roles"]
    assert said["sales"] == ["@sales.example.com", "riley@example.com"]
    assert said["sales-ops"] == ["olive@example.com", "sam@ops.example.com"]
    assert oidc.DEMO_ROLES["sales"] == ["@sales.example.com"]  # the demo's own are left as they were
    table = RoleMap.from_config(said)
    assert [table.roles_of({"email": e, "email_verified": True}) for e in ("riley@example.com", "sam@ops.example.com")] \
        == [{Role.SALES}, {Role.SALES_OPS}]
    for bad in ("riley@example.com", "riley=sales", "riley@example.com=boss"):
        with pytest.raises(SystemExit) as stopped:
            oidc.main(["--secrets", str(tmp_path / "s.toml"), "--user", bad])
        assert stopped.value.code == 2
        assert f"argument --user: {bad!r} must be EMAIL=ROLE, ROLE one of sales, sales-ops, author, admin, none" in \
            capsys.readouterr().err
    assert not (tmp_path / "s.toml").exists()
