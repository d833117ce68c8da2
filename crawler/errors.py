"""The one exception root of wirewatch and its few subclasses.

Third-party errors are wrapped at the edge (``raise FeedError(...) from e``); the CLI maps
these classes to one-line messages and exit codes. Nothing here decides or logs.
"""

from __future__ import annotations


class WirewatchError(Exception):
    """Root of every error wirewatch raises on purpose."""


class ConfigError(WirewatchError):
    """config.yaml is unreadable or invalid. ``problems`` holds one line per error."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StorageError(WirewatchError):
    """The database cannot be opened, migrated or written."""


class FeedError(WirewatchError):
    """A feed could not be fetched or parsed (one feed only: the others go on)."""


class InputError(WirewatchError):
    """A line of user input (e.g. an ``analyze`` JSON line) is malformed."""


class AlertError(WirewatchError):
    """An alert channel failed to deliver. ``retry_after_s`` is set when the server asked."""

    def __init__(
        self, message: str, *, retry_after_s: float | None = None, permanent: bool = False
    ):
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.permanent = permanent


class LockError(WirewatchError):
    """Another wirewatch process holds the database lock."""
