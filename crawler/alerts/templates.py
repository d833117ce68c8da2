"""Jinja2 rendering of alert messages, with escaping chosen by the channel, not by the template.

Each channel type has a default template file in ``crawler/alerts/templates/<type>.j2`` made of
named blocks (``subject``, ``text``, ``html``, ``header``, ``body``...). A channel's
``template:`` path in config.yaml overrides some or all of those blocks: a block the user's file
does not define falls back to the default one (blocks are rendered on their own, so ``super()``
is not available in an override).

Everything from a feed is untrusted, so every ``{{ expression }}`` goes through the escaping of
the part being rendered, whoever wrote the template:

- ``html``: jinja2 autoescape (HTML entities);
- ``slack``: Slack's mrkdwn escaping of ``&``, ``<`` and ``>`` (so ``<!channel>`` or
  ``<http://evil|click>`` from a feed shows as text); links are made only by ``slack_link()``;
- ``text``: no markup, but control characters (terminal escape sequences, stray CR) are removed.

Single-line parts (an e-mail subject, a Slack header) are further flattened by :func:`one_line`
after rendering, which is what makes header injection impossible. This module renders; which
block goes where is the business of each channel module.

The daily digest (:mod:`crawler.alerts.digest`) has templates of its own, ``digest_<type>.j2``
with the same blocks: :class:`ChannelTemplates` picks by the message's ``kind``, so a channel's
own template keeps overriding its incident alerts only.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from crawler.alerts.message import Message, ordinal_word, safe_url
from crawler.errors import AlertError, ConfigError

TEMPLATES_DIR = Path(__file__).parent / "templates"
ESCAPES = ("text", "html", "slack")

# C0 controls except tab and newline, DEL and the C1 controls: nothing a reader needs, and the
# means of terminal escape sequences and header injection.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANY_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_SLACK_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class SlackSafe(str):
    """Slack mrkdwn already escaped (made by :func:`slack_link`): passed through as is."""


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def one_line(text: str, max_chars: int) -> str:
    """Collapse every run of whitespace or control characters (CR, LF included) to one space."""
    flat = _ANY_SPACE_OR_CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= max_chars else flat[: max_chars - 1].rstrip() + "…"


def slack_escape(text: str) -> str:
    return strip_controls(text).translate(_SLACK_SPECIAL)


def slack_link(url: str | None, text: str) -> SlackSafe:
    """``<url|text>`` for an http(s) URL, else the escaped text alone (no link injection)."""
    label = slack_escape(str(text)).replace("|", "¦")
    target = safe_url(url)
    if target is None:
        return SlackSafe(label)
    # Inside <...> Slack ends the URL at "|" or ">": percent-encode what would break out.
    target = target.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return SlackSafe(f"<{target.replace('&', '&amp;')}|{label}>")


def _finalize_text(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, Markup) else strip_controls(str(value))


def _finalize_slack(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, SlackSafe) else slack_escape(str(value))


@cache
def environment(escape: str) -> jinja2.Environment:
    """One shared environment per escaping mode; default templates resolve from the package."""
    if escape not in ESCAPES:
        raise ValueError(f"unknown escaping {escape!r}, expected one of {ESCAPES}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=escape == "html",
        finalize=_finalize_slack if escape == "slack" else _finalize_text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ordinal"] = ordinal_word
    if escape == "slack":
        env.globals["slack_link"] = slack_link
    return env


class Templates:
    """The templates of one channel: the default file, optionally overridden block by block."""

    def __init__(self, default_name: str, override: Path | None = None):
        self.default_name = default_name
        self.override_path = override
        source = _read_override(override) if override else None
        # Compiled once per escaping, so a broken template fails at start-up, not at the first
        # incident.
        self._compiled = {escape: self._compile(escape, source) for escape in ESCAPES}

    def render(self, block: str, message: Message, *, escape: str) -> str:
        """Render one block with ``message`` (as ``m``) and the escaping of ``escape``."""
        for template in self._compiled[escape]:
            if block in template.blocks:
                context = template.new_context({"m": message})
                try:
                    return "".join(template.blocks[block](context)).strip()
                except jinja2.TemplateError as e:
                    raise AlertError(
                        f"template {template.name or self.override_path}: block {block}: {e}",
                        permanent=True,
                    ) from e
        raise AlertError(f"template {self.default_name} has no block {block!r}", permanent=True)

    def _compile(self, escape: str, source: str | None) -> tuple[jinja2.Template, ...]:
        env = environment(escape)
        default = env.get_template(self.default_name)
        if source is None:
            return (default,)
        try:
            return (env.from_string(source), default)
        except jinja2.TemplateSyntaxError as e:
            raise ConfigError(
                [f"{self.override_path}: line {e.lineno}: invalid template: {e.message}"]
            ) from e


def _read_override(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([f"{path}: cannot read template: {e}"]) from e


class ChannelTemplates:
    """The templates of one channel type: its incident alerts' (``<type>.j2``, overridable by
    the channel's ``template:``) and its daily digest's (``digest_<type>.j2``)."""

    def __init__(self, channel_type: str, override: Path | None = None):
        self.alerts = Templates(f"{channel_type}.j2", override)
        self.digest = Templates(f"digest_{channel_type}.j2")

    def render(self, block: str, message: Any, *, escape: str) -> str:
        templates = self.digest if message.kind == "digest" else self.alerts
        return templates.render(block, message, escape=escape)
