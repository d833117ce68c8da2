"""config.yaml -> one validated, frozen :class:`Config`.

Loading is all-or-nothing: the YAML is parsed, ``${ENV_VAR}`` references are expanded, and the
whole document is validated by pydantic into frozen models. Every problem is collected and raised
at once as :class:`~crawler.errors.ConfigError`, one line each, with the dotted path of the key and
what was expected::

    config.yaml: feeds[2].interval: expected a duration like "5m", got "often"

Unknown keys are rejected (a typo must not silently disable a setting). Secrets (SMTP password,
Slack webhook URL, generic webhook URL, apprise URLs) are ``SecretStr``: they print as ``**********``
and are never logged. An unset environment variable is an error only where it is used, i.e. in a
channel that is enabled.

This module validates and nothing more: it does not open the database, reach the network, or
import apscheduler (cron expressions are checked by :func:`crawler.scheduler.parse_cron`).
"""

from __future__ import annotations

import os
import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    model_validator,
)

from crawler.errors import ConfigError
from crawler.types import ATTACK_TYPES, GOVERNORATES, LANGUAGES, TARGETS

# libyaml's loader when PyYAML was built with it: ~10x faster on a config of thousands of feeds,
# which every poll child loads.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_DURATION_UNITS_S = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 10**6,
    "mib": 2**20,
    "gb": 10**9,
    "gib": 2**30,
}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def parse_duration(value: Any) -> timedelta:
    """``"30s"``, ``"5m"``, ``"36h"``, ``"7d"`` (or a number of seconds) -> timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return timedelta(seconds=value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f'expected a duration like "5m", got {_shown(value)}')
    return timedelta(seconds=float(match[1]) * _DURATION_UNITS_S[match[2]])


def parse_size(value: Any) -> int:
    """``"10MiB"``, ``"512KB"`` (or a number of bytes) -> bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f'expected a size like "10MiB", got {_shown(value)}')
    return int(float(match[1]) * _SIZE_UNITS[(match[2] or "b").lower()])


def _check_feed_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme == "file" and parts.path:
        return value
    if parts.scheme in ("http", "https") and parts.hostname:
        return value
    from crawler.urls import public_url  # credentials in a feed URL are never echoed

    raise ValueError(
        f"expected an http://, https:// or file:// URL, got {_shown(public_url(value))}"
    )


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname:
        return value
    raise ValueError(f"expected an http:// or https:// URL, got {_shown(value)}")


def _check_secret_url(value: SecretStr) -> SecretStr:
    raw = value.get_secret_value()
    if _ENV_REF.search(raw):  # unset variable: reported by the environment check
        return value
    parts = urlsplit(raw)
    if parts.scheme in ("http", "https") and parts.hostname:
        return value
    raise ValueError("expected an http:// or https:// URL (value not shown: it is a secret)")


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            f"expected a short name of lower-case letters, digits, '-', '_' or '.', got {_shown(value)}"
        )
    return value


def _check_cron(value: str) -> str:
    from crawler.scheduler import parse_cron  # apscheduler lives behind crawler.scheduler

    parse_cron(value)
    return value


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _check_positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError('expected a duration above zero, like "30s" or "5m"')
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
# An interval, timeout or wait: zero would mean polling every second, or a timeout silently
# replaced by a library's default.
PositiveDuration = Annotated[
    timedelta, BeforeValidator(parse_duration), AfterValidator(_check_positive)
]
Size = Annotated[int, BeforeValidator(parse_size)]
FeedUrl = Annotated[str, AfterValidator(_check_feed_url)]
HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
SecretUrl = Annotated[SecretStr, AfterValidator(_check_secret_url)]
Name = Annotated[str, AfterValidator(_check_name)]
Cron = Annotated[str, AfterValidator(_check_cron)]
Language = Literal["fr", "en", "ar"]
AttackType = Literal[ATTACK_TYPES]  # type: ignore[valid-type]
_GOVERNORATE_BY_FOLDED = {name.casefold(): name for name in GOVERNORATES}


def _canonical_governorate(value: Any) -> str:
    """A governorate name in any case -> its canonical spelling (a typo must not silently
    make a counter count nothing)."""
    if isinstance(value, str) and value.strip().casefold() in _GOVERNORATE_BY_FOLDED:
        return _GOVERNORATE_BY_FOLDED[value.strip().casefold()]
    raise ValueError(f"expected one of {', '.join(GOVERNORATES)}, got {_shown(value)}")


Governorate = Annotated[str, BeforeValidator(_canonical_governorate)]
Target = Literal[TARGETS]  # type: ignore[valid-type]
assert set(LANGUAGES) == {"fr", "en", "ar"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FetchConfig(_Model):
    """How feeds and pages are fetched (the spiders' manners and limits)."""

    contact: str = Field(
        "https://github.com/wirewatch/wirewatch",
        description="URL or e-mail address put in the User-Agent so site owners can reach you.",
    )
    default_interval: PositiveDuration = timedelta(minutes=10)
    timeout: PositiveDuration = timedelta(seconds=30)
    max_feed_size: Size = 10 * 2**20
    max_page_size: Size = 5 * 2**20
    concurrent_requests: int = Field(32, ge=1, le=1024)
    concurrent_per_host: int = Field(2, ge=1, le=64)
    backoff_max: PositiveDuration = timedelta(hours=24)
    flag_after_failures: int = Field(5, ge=1)
    batch_timeout: PositiveDuration = timedelta(minutes=3)


class FeedConfig(_Model):
    """One feed: polled at ``url``, and/or fed by pushes (``push_token``, ``push_secret``), a
    drop folder (``spool``) or a WebSub hub the feed's document names."""

    name: Name
    url: FeedUrl | None = None
    language: Language | None = None
    interval: PositiveDuration | None = None
    cron: Cron | None = None
    enabled: bool = True
    full_text: bool = False
    obey_robots: bool = True
    allow_private: bool = Field(
        False, description="Allow this feed (and its pages) on a loopback/private address."
    )
    source: str | None = Field(None, description="Outlet name shown in alerts (default: name).")
    # Pushed deliveries (crawler.push): a bearer token or an HMAC-SHA256 secret for
    # POST /push/<name>, a spool folder an agency drops files into, and whether to subscribe
    # to the WebSub hub the feed's document names (when push.websub is configured).
    push_token: SecretStr | None = None
    push_secret: SecretStr | None = None
    spool: Path | None = None
    websub: bool = True

    @model_validator(mode="after")
    def _one_schedule(self) -> FeedConfig:
        if self.interval is not None and self.cron is not None:
            raise ValueError("give either interval or cron, not both")
        if self.url is None and self.spool is None and not (self.push_token or self.push_secret):
            raise ValueError(
                "give the feed a url to poll, or a spool folder or push_token/push_secret"
                " to be fed by its agency"
            )
        return self

    @property
    def polled(self) -> bool:
        """Is the feed polled? A feed without ``url`` is fed by push or spool only."""
        return self.url is not None

    @property
    def outlet(self) -> str:
        return self.source or self.name

    @property
    def shown_url(self) -> str:
        """The URL as stored and shown: credentials stay in the configuration (they are sent
        as HTTP Basic authentication, spiders.feed_spider.split_credentials). Empty for a feed
        fed by push or spool only."""
        from crawler.urls import public_url

        return public_url(self.url) if self.url is not None else ""


class ExtractionConfig(_Model):
    """Incident extraction settings and user additions to the lexicons and gazetteer."""

    min_score: float = Field(0.5, ge=0, le=1)
    # A story of violence in Iraq scored below min_score still joins an incident a clearer
    # report opened (same place, time and kind) from this score: no alert, a fuller record.
    join_min_score: float = Field(0.1, ge=0, le=1)
    max_age: Duration = timedelta(hours=72)
    extra_places: tuple[dict[str, Any], ...] = ()
    extra_terms: dict[str, Any] = Field(default_factory=dict)


class IncidentsConfig(_Model):
    """How reports are merged into incidents."""

    window: Duration = timedelta(hours=36)
    distance_km: float = Field(15.0, gt=0)
    near_duplicate_threshold: float = Field(0.8, gt=0, le=1)


class CounterFilter(_Model):
    """Which incidents a counter counts. Empty lists mean "any"."""

    us_interest: bool | None = None
    governorates: tuple[Governorate, ...] = ()
    places: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    attack_types: tuple[AttackType, ...] = ()


class CounterConfig(_Model):
    """A running count of matching incidents since a date."""

    name: Name
    description: str = ""
    since: date
    start: int = Field(
        0, ge=0, description="Incidents counted before wirewatch joined; the next one is start+1."
    )
    filter: CounterFilter = CounterFilter()


_DIGEST_TIME = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s+(\S+)\s*$")


def parse_digest_time(text: str) -> tuple[time, ZoneInfo]:
    """``"07:00 Asia/Baghdad"`` -> (07:00, the zone). Raises ValueError saying what is wrong."""
    match = _DIGEST_TIME.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(
            f'expected a time and a time zone like "07:00 Asia/Baghdad", got {_shown(text)}'
        )
    try:
        zone = ZoneInfo(match[3])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'unknown time zone "{match[3]}" (e.g. Asia/Baghdad, UTC)') from None
    return time(int(match[1]), int(match[2])), zone


def _check_digest_time(value: str) -> str:
    parse_digest_time(value)
    return value


class _Channel(_Model):
    name: Name
    enabled: bool = True
    template: Path | None = Field(
        None, description="A jinja2 template file overriding the default."
    )
    timeout: PositiveDuration = timedelta(seconds=20)
    # Rate limit (crawler.alerts.ratelimit): up to `burst` messages at once, then one per
    # `send_interval`; no limit without a send_interval.
    send_interval: PositiveDuration | None = None
    burst: int = Field(3, ge=1, le=100)
    digest: Annotated[str, AfterValidator(_check_digest_time)] | None = Field(
        None, description='Send a daily digest at this time, e.g. "07:00 Asia/Baghdad".'
    )
    digest_empty: Literal["say", "skip"] = Field(
        "say", description="A day without incident: say so in one line, or send nothing."
    )


class ConsoleChannel(_Channel):
    type: Literal["console"]


class EmailChannel(_Channel):
    type: Literal["email"]
    host: str
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_addr: str = Field(alias="from")
    to: tuple[str, ...] = Field(min_length=1)


class SlackChannel(_Channel):
    type: Literal["slack"]
    webhook_url: SecretUrl
    # Slack takes about one message per second per webhook, short bursts allowed.
    send_interval: PositiveDuration | None = timedelta(seconds=1)


class WebhookChannel(_Channel):
    type: Literal["webhook"]
    url: SecretUrl
    headers: dict[str, SecretStr] = Field(default_factory=dict)


class AppriseChannel(_Channel):
    type: Literal["apprise"]
    urls: tuple[SecretStr, ...] = Field(min_length=1)


Channel = Annotated[
    ConsoleChannel | EmailChannel | SlackChannel | WebhookChannel | AppriseChannel,
    Field(discriminator="type"),
]
CHANNEL_TYPES = ("console", "email", "slack", "webhook", "apprise")
# Keys whose values are secrets: never echoed back in an error message.
SECRET_KEYS = frozenset({"password", "webhook_url", "url", "urls", "headers", "secret"})


class AlertsConfig(_Model):
    """The outbox and its channels."""

    first_run_max_age: Duration = timedelta(hours=6)
    max_attempts: int = Field(8, ge=1)
    retry_base: PositiveDuration = timedelta(seconds=30)
    retry_max: PositiveDuration = timedelta(hours=1)
    channels: tuple[Channel, ...] = ()


class DaemonConfig(_Model):
    """The long-running daemon (``wirewatch run``)."""

    heartbeat: PositiveDuration = timedelta(seconds=15)
    shutdown_grace: Duration = timedelta(seconds=20)
    jitter: Duration = timedelta(seconds=5)
    # How late a missed run may still fire; None: each feed's own interval (a cron feed's gap
    # to its next run), so a run is late at most once and never dropped for being late.
    misfire_grace: PositiveDuration | None = None


# OpenStreetMap's standard tiles: what the dashboard's map draws under the incidents unless
# config.yaml names other tiles, or none (a site without internet access).
DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = "© OpenStreetMap contributors"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_tiles(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    if isinstance(value, str) and all(f"{{{k}}}" in value for k in "zxy"):
        return _check_http_url(value)
    raise ValueError(
        f'expected a tile URL with {{z}}, {{x}} and {{y}}, or "none", got {_shown(value)}'
    )


def _check_env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(f"expected the name of an environment variable, got {_shown(value)}")
    return value


class BrowseUser(_Model):
    """Someone who may sign in to a shared ``wirewatch browse``."""

    name: Name
    password_hash_env: Annotated[str, AfterValidator(_check_env_name)] = Field(
        description="Environment variable holding the password hash (`datasette hash-password`)."
    )


class BrowseConfig(_Model):
    """``wirewatch browse``: the dashboard's map tiles and who may sign in."""

    tiles: Annotated[str | None, BeforeValidator(_check_tiles)] = DEFAULT_TILES
    tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION
    users: tuple[BrowseUser, ...] = ()


class WebSubConfig(_Model):
    """WebSub subscriptions to the hubs that polled feeds name (crawler.push.websub)."""

    callback: HttpUrl = Field(
        description="Public base URL at which hubs reach the push receiver; wirewatch gives"
        " each hub <callback>/websub/<feed>/<token>."
    )
    secret: SecretStr = Field(
        description="Master key: each subscription's hub.secret and callback token are derived"
        " from it, so none is stored in the database."
    )
    lease: PositiveDuration = timedelta(days=7)
    renew_before: PositiveDuration = timedelta(days=1)
    poll_interval: PositiveDuration = timedelta(hours=1)
    retry: PositiveDuration = timedelta(hours=1)


class PushConfig(_Model):
    """The push receiver for POST /push/<feed> and WebSub (off by default), and how often spool
    folders are scanned besides being watched."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(8787, ge=0, le=65535)
    threads: int = Field(4, ge=1, le=64)
    spool_scan: PositiveDuration = timedelta(seconds=30)
    websub: WebSubConfig | None = None


class Config(_Model):
    """The whole validated configuration."""

    database: Path = Path("wirewatch.db")
    fetch: FetchConfig = FetchConfig()
    feeds: tuple[FeedConfig, ...] = ()
    extraction: ExtractionConfig = ExtractionConfig()
    incidents: IncidentsConfig = IncidentsConfig()
    counters: tuple[CounterConfig, ...] = ()
    alerts: AlertsConfig = AlertsConfig()
    daemon: DaemonConfig = DaemonConfig()
    browse: BrowseConfig = BrowseConfig()
    push: PushConfig = PushConfig()
    # The YAML text this configuration was validated from (None when built from a dict): what
    # the daemon hands its poll children, so that they run with the configuration it holds.
    _source_text: str | None = PrivateAttr(default=None)

    @property
    def source_text(self) -> str | None:
        return self._source_text

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)

    def feed_interval(self, feed: FeedConfig, *, websub_verified: bool = False) -> timedelta:
        """How often a feed is polled; with a verified WebSub subscription its hub pushes
        each update, and polling slows to ``push.websub.poll_interval`` as the safety net."""
        interval = feed.interval or self.fetch.default_interval
        if websub_verified and self.websub_active and feed.websub:
            assert self.push.websub is not None
            return max(interval, self.push.websub.poll_interval)
        return interval

    @property
    def websub_active(self) -> bool:
        """Does this configuration subscribe to WebSub hubs (receiver on, callback set)?"""
        return self.push.enabled and self.push.websub is not None

    @property
    def enabled_channels(self) -> tuple[Any, ...]:
        return tuple(c for c in self.alerts.channels if c.enabled)


def load_config(path: str | Path, *, text: str | None = None) -> Config:
    """Read, expand and validate ``path``. Raises ConfigError listing every problem.

    With ``text``, that text is validated as if it were the file's (a poll child given the
    configuration its daemon holds): ``path`` then only names it and anchors relative paths.
    """
    path = Path(path)
    label = path.name
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [
                f"{path}: file not found (create one from the project's config.yaml, or pass --config)"
            ]
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([f"{path}: cannot read: {e}"]) from e
    try:
        raw = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise ConfigError([f"{label}: not valid YAML{where}: {problem}"]) from e
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(
            [f"{label}: expected a mapping of settings at the top, got {type(raw).__name__}"]
        )
    config = config_from_dict(raw, label=label, base_dir=path.parent, environ=os.environ)
    config._source_text = text
    return config


def config_from_dict(
    raw: dict[str, Any],
    *,
    label: str = "config.yaml",
    base_dir: Path = Path("."),
    environ: Any = None,
) -> Config:
    """Validate an already-parsed document. Relative paths are resolved against ``base_dir``."""
    environ = os.environ if environ is None else environ
    missing: list[tuple[tuple[Any, ...], str]] = []
    expanded = _expand_env(raw, (), environ, missing)
    problems = [
        f"{_dotted(loc)}: environment variable {var} is not set (export it, or disable the"
        f" {'feed' if loc[:1] == ('feeds',) else 'channel'})"
        for loc, var in missing
        if _enabled_at(expanded, loc)
    ]
    problems += _duplicate_names(expanded)
    try:
        config = Config.model_validate(expanded)
    except ValidationError as e:
        problems = _error_lines(e) + problems
    if problems:
        raise ConfigError([f"{label}: {line}" for line in problems])
    return _resolve_paths(config, base_dir)


def _expand_env(value: Any, loc: tuple[Any, ...], environ: Any, missing: list) -> Any:
    if isinstance(value, dict):
        return {k: _expand_env(v, loc + (k,), environ, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, loc + (i,), environ, missing) for i, v in enumerate(value)]
    if isinstance(value, str) and "${" in value:

        def substitute(match: re.Match[str]) -> str:
            name = match[1]
            if name in environ:
                return environ[name]
            missing.append((loc, name))
            return match[0]

        return _ENV_REF.sub(substitute, value)
    return value


def _enabled_at(raw: Any, loc: tuple[Any, ...]) -> bool:
    """Is the list item (feed, channel) holding ``loc`` enabled? Unset secrets of disabled parts are fine."""
    node = raw
    enabled = True
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and node.get("enabled") is False:
            enabled = False
    return enabled


def _duplicate_names(raw: dict[str, Any]) -> list[str]:
    lists = {
        ("feeds",): raw.get("feeds"),
        ("counters",): raw.get("counters"),
        ("alerts", "channels"): (raw.get("alerts") or {}).get("channels")
        if isinstance(raw.get("alerts"), dict)
        else None,
        ("browse", "users"): raw["browse"].get("users")
        if isinstance(raw.get("browse"), dict)
        else None,
    }
    problems = []
    for loc, items in lists.items():
        seen: dict[str, int] = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            if name in seen:
                problems.append(
                    f'{_dotted(loc + (i, "name"))}: duplicate name "{name}" '
                    f"(already used by {_dotted(loc + (seen[name],))})"
                )
            else:
                seen[name] = i
    return problems


def _resolve_paths(config: Config, base_dir: Path) -> Config:
    database = config.database if config.database.is_absolute() else base_dir / config.database
    feeds = tuple(
        f.model_copy(update={"spool": base_dir / f.spool})
        if f.spool is not None and not f.spool.is_absolute()
        else f
        for f in config.feeds
    )
    channels = tuple(
        c.model_copy(update={"template": base_dir / c.template})
        if c.template is not None and not c.template.is_absolute()
        else c
        for c in config.alerts.channels
    )
    alerts = config.alerts.model_copy(update={"channels": channels})
    return config.model_copy(update={"database": database, "alerts": alerts, "feeds": feeds})


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _error_lines(error: ValidationError) -> list[str]:
    lines = []
    for err in error.errors(include_url=False):
        # Discriminated unions insert the tag ("email") into the path: drop it.
        loc = tuple(p for p in err["loc"] if p not in CHANNEL_TYPES or err["loc"][-1] == p)
        if err["loc"] and err["loc"][-1] in CHANNEL_TYPES and err["type"] != "missing":
            loc = err["loc"][:-1]
        secret = err["loc"][:1] in (("alerts",), ("push",)) and any(
            p in SECRET_KEYS for p in err["loc"]
        )
        lines.append(f"{_dotted(loc)}: {_message(err, hide_input=secret)}")
    return lines


def _message(err: dict[str, Any], *, hide_input: bool) -> str:
    kind, given = err["type"], err.get("input")
    if hide_input and kind not in ("extra_forbidden", "missing", "value_error"):
        return f"{err['msg'][0].lower()}{err['msg'][1:]} (value not shown: it is a secret)"
    if kind == "extra_forbidden":
        return "unknown key (check its spelling against the project's config.yaml)"
    if kind == "missing":
        return "required key is missing"
    if kind in ("value_error", "assertion_error"):
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    if kind == "union_tag_invalid":
        tag = given.get("type") if isinstance(given, dict) else given
        return f"expected type to be one of {', '.join(CHANNEL_TYPES)}, got {_shown(tag)}"
    if kind == "union_tag_not_found":
        return f"missing key type (one of {', '.join(CHANNEL_TYPES)})"
    if kind == "literal_error":
        return f"expected {err['ctx']['expected']}, got {_shown(given)}"
    return f"{err['msg'][0].lower()}{err['msg'][1:]}, got {_shown(given)}"
