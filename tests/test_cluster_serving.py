"""The cluster's settings for a team's deployment (deploy/serving.py): each one that cannot be used is refused
before anything starts, naming the variable and what it may be; HAProxy's configuration follows them."""
from pathlib import Path

import pytest

from deploy.cluster import haproxy_config
from deploy.serving import Serving

GOOD_SECRETS = """
[auth]
redirect_uri = "https://refunds.example.com/oauth2callback"
cookie_secret = "s3cret"
client_id = "refunds"
client_secret = "x"
server_metadata_url = "https://login.example.com/.well-known/openid-configuration"

[roles]
admin = ["ops-lead@example.com"]
sales = ["@example.com"]
"""
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def files(tmp_path: Path):
    (tmp_path / "secrets.toml").write_text(GOOD_SECRETS)
    (tmp_path / "site.pem").write_text(PEM)
    return tmp_path


def test_by_default_the_demo_on_loopback_over_http():
    served = Serving.from_env({})
    assert (served.bind, served.demo, served.scheme, served.url(8600)) == ("127.0.0.1", True, "http",
                                                                             "http://127.0.0.1:8600")


def test_a_teams_deployment_serves_at_its_own_address_with_its_own_sign_in(files):
    served = Serving.from_env({"CLUSTER_BIND": "0.0.0.0", "CLUSTER_SECRETS": str(files / "secrets.toml"),
                               "CLUSTER_TLS": str(files / "site.pem")})
    assert not served.demo and served.url(8600) == "https://refunds.example.com" and served.probe_host() == "127.0.0.1"
    config = haproxy_config(8600, {"a": 8601, "b": 8602}, files / "pid", served)
    assert f"bind 0.0.0.0:8600 ssl crt {files / 'site.pem'}" in config
    assert "X-Forwarded-Proto https" in config and "Strict-Transport-Security" in config
    assert "bind 127.0.0.1:8600\n" in haproxy_config(8600, {"a": 8601}, files / "pid")  # the demo's
    assert "Strict-Transport-Security" not in haproxy_config(8600, {"a": 8601}, files / "pid")


def _without(text: str, line_start: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(line_start))


@pytest.mark.parametrize("env, secrets, said", [
    ({"CLUSTER_BIND": "0.0.0.0"}, None, "CLUSTER_BIND is 0.0.0.0, beyond this computer, without CLUSTER_SECRETS"),
    ({"CLUSTER_BIND": "everywhere"}, None, "CLUSTER_BIND is 'everywhere': give an IP address"),
    ({"CLUSTER_TLS": "missing.pem"}, None, "CLUSTER_TLS names missing.pem, which cannot be read"),
    ({"CLUSTER_TLS": "secrets.toml"}, None, "which must hold the certificate and its private key"),
    ({}, "[roles]\nadmin = ['a@example.com']\n", "which has no [auth] section"),
    ({}, _without(GOOD_SECRETS, "client_secret"), "whose [auth] lacks client_secret"),
    ({}, GOOD_SECRETS.replace("/oauth2callback", "/callback"), "must be the app's address followed by /oauth2callback"),
    ({"CLUSTER_TLS": "site.pem"}, GOOD_SECRETS.replace("https://refunds", "http://refunds"),
     "but CLUSTER_TLS serves HTTPS: make it https://"),
    ({}, GOOD_SECRETS.split("[roles]")[0], "which has no [roles] section"),
    ({}, GOOD_SECRETS.replace("admin =", "superuser ="), "whose roles.superuser is not a role"),
    ({}, "[auth\n", "which is not TOML"),
])
def test_a_setting_that_cannot_be_used_is_refused_naming_it_and_nothing_starts(files, monkeypatch, env, secrets, said):
    monkeypatch.chdir(files)
    if secrets is not None:
        (files / "given.toml").write_text(secrets)
        env = {**env, "CLUSTER_SECRETS": "given.toml"}
    with pytest.raises(SystemExit) as refused:
        Serving.from_env(env)
    assert said in str(refused.value) and str(refused.value).startswith("cluster: ")
    assert "Nothing was started" in str(refused.value)


def test_a_redirect_uri_on_this_computer_must_come_back_to_the_balancers_port(files):
    """A walkthrough's redirect_uri said port 8443 with the balancer on 8700: `up` passed, and sign-in came back where
    nothing listened. A host elsewhere may be a proxy in front of the balancer: its port is not known here."""
    (files / "local.toml").write_text(GOOD_SECRETS.replace("https://refunds.example.com", "https://127.0.0.1:8443"))
    served = Serving.from_env({"CLUSTER_SECRETS": str(files / "local.toml")})
    with pytest.raises(SystemExit, match=r"on port 8443 of this computer, but the balancer serves on port 8700"):
        served.check_port(8700)
    served.check_port(8443)
    Serving.from_env({"CLUSTER_SECRETS": str(files / "secrets.toml")}).check_port(8700)  # refunds.example.com:443
    Serving.from_env({}).check_port(8700)  # the demo's own
