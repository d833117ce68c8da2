"""Sharing `wirewatch browse`: beyond 127.0.0.1 it refuses to start without users; with them every
request needs a name and password (401 without or with a wrong one), the password hashes read
from the environment only."""

from __future__ import annotations

import textwrap

import pytest
import requests
from click.testing import CliRunner
from datasette_auth_passwords.utils import hash_password

from crawler.browse import check_access, is_loopback
from crawler.browse.metadata import access_rules
from crawler.cli import main
from crawler.config import config_from_dict
from crawler.errors import ConfigError
from tests.browse_fixtures import running_browse
from tests.test_cli import seed_incident

USERS = """
browse:
  users:
    - {name: analyst, password_hash_env: TEST_ANALYST_HASH}
"""


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("::", False),
        ("wirewatch.example", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_browse_beyond_loopback_without_users_exits_2_with_one_line(write_config):
    config = write_config()
    result = CliRunner().invoke(main, ["--config", str(config), "browse", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "browse --host 0.0.0.0" in lines[0] and "browse.users" in lines[0]
    assert "Traceback" not in result.output


def test_users_whose_hash_is_missing_or_not_a_hash_are_refused():
    browse = config_from_dict(
        {"browse": {"users": [{"name": "analyst", "password_hash_env": "TEST_HASH"}]}}
    ).browse
    with pytest.raises(ConfigError, match="TEST_HASH is not set"):
        check_access(browse, "0.0.0.0", environ={})
    with pytest.raises(ConfigError, match="does not hold a password hash"):
        check_access(browse, "0.0.0.0", environ={"TEST_HASH": "plain-password"})
    check_access(browse, "0.0.0.0", environ={"TEST_HASH": hash_password("s3cret")})


def test_access_rules_name_the_secret_never_its_value():
    browse = config_from_dict(
        {"browse": {"users": [{"name": "analyst", "password_hash_env": "TEST_HASH"}]}}
    ).browse
    rules = access_rules(browse)
    assert rules["allow"] == {"id": ["analyst"]}
    passwords = rules["plugins"]["datasette-auth-passwords"]
    assert passwords == {"http_basic_auth": True, "analyst_password_hash": {"$env": "TEST_HASH"}}
    assert access_rules(config_from_dict({}).browse) == {}


def test_bad_browse_settings_are_config_errors():
    for raw, expected in [
        ({"tiles": "https://tiles.example.org/tile.png"}, "browse.tiles: expected a tile URL"),
        ({"users": [{"name": "Bad Name", "password_hash_env": "X"}]}, "browse.users[0].name"),
        ({"users": [{"name": "a", "password_hash_env": "not a name"}]}, "password_hash_env"),
    ]:
        with pytest.raises(ConfigError, match=expected.replace("[", r"\[").replace("]", r"\]")):
            config_from_dict({"browse": raw})
    assert config_from_dict({"browse": {"tiles": "none"}}).browse.tiles is None


@pytest.mark.slow
def test_shared_browse_asks_for_a_password_and_serves_the_dashboard(write_config, tmp_path):
    from tests.conftest import MINIMAL_CONFIG

    config = write_config(MINIMAL_CONFIG + textwrap.dedent(USERS))
    seed_incident(tmp_path / "wirewatch.db")
    env = {"TEST_ANALYST_HASH": hash_password("correct horse")}
    with running_browse(config, "--host", "0.0.0.0", env=env) as base:
        for path in ("/", "/-/dashboards/incidents", "/wirewatch/incidents.json", "/wirewatch.db"):
            response = requests.get(base + path, timeout=10, allow_redirects=False)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"].startswith("Basic")
        wrong = requests.get(base + "/", auth=("analyst", "wrong"), timeout=10)
        assert wrong.status_code == 401
        page = requests.get(base + "/", auth=("analyst", "correct horse"), timeout=10)
        assert page.status_code == 200
        assert page.url.startswith(base + "/-/dashboards/incidents")
        assert "wirewatch: incidents in Iraq" in page.text
        rows = requests.get(
            base + "/wirewatch/incidents.json?_shape=array",
            auth=("analyst", "correct horse"),
            timeout=10,
        ).json()
        assert rows[0]["place_name"] == "US embassy"
