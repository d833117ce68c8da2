"""``wirewatch browse``: Datasette on a wirewatch database, the incident dashboard as its landing
page, shared with a team only behind passwords.

- :mod:`crawler.browse.metadata`: tables, canned queries, plugin settings, access rules;
- :mod:`crawler.browse.dashboard`: the dashboard, from SQL over the real tables;
- :mod:`crawler.browse.plugin`: wirewatch's Datasette plugin (the map and tables of the
  dashboard, the landing page, SQL functions).

This module decides who may listen where (:func:`check_access`) and gives the command line of the
Datasette process (:func:`datasette_command`). It starts nothing itself: the CLI does.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from crawler.browse.metadata import access_rules, build_metadata
from crawler.config import BrowseConfig
from crawler.errors import ConfigError

__all__ = ["access_rules", "build_metadata", "check_access", "datasette_command", "is_loopback"]

# The form of the hashes datasette-auth-passwords checks (`datasette hash-password` prints one).
PASSWORD_HASH_PREFIX = "pbkdf2_sha256$"
# Datasette gives up on a query after this long, so one heavy page cannot hold the server.
SQL_TIME_LIMIT_MS = 3000


def is_loopback(host: str) -> bool:
    """Does ``host`` only listen on this machine? Unknown names count as beyond it."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_access(browse: BrowseConfig, host: str, environ: Mapping[str, str] | None = None) -> None:
    """Refuse to serve beyond this machine without users, or with a user whose password hash is
    missing from the environment. Raises ConfigError, one line per problem."""
    environ = os.environ if environ is None else environ
    if not browse.users:
        if not is_loopback(host):
            raise ConfigError(
                [
                    f"browse --host {host} would let anyone on the network read the database:"
                    " configure browse.users in config.yaml (passwords by environment variable)"
                    " or keep --host 127.0.0.1"
                ]
            )
        return
    problems = []
    for i, user in enumerate(browse.users):
        value = environ.get(user.password_hash_env, "")
        where = f"browse.users[{i}].password_hash_env"
        if not value:
            problems.append(
                f"{where}: environment variable {user.password_hash_env} is not set"
                " (export the hash `datasette hash-password` prints)"
            )
        elif not value.startswith(PASSWORD_HASH_PREFIX):
            problems.append(
                f"{where}: {user.password_hash_env} does not hold a password hash"
                f" ({PASSWORD_HASH_PREFIX}...; make one with `datasette hash-password`)"
            )
    if problems:
        raise ConfigError(problems)


def datasette_command(db_path: Path, metadata_path: Path, *, host: str, port: int) -> list[str]:
    """The command line that serves ``db_path`` with its metadata."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        str(SQL_TIME_LIMIT_MS),
    ]
