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
