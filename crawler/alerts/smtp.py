"""The e-mail channel: one multipart (plain text + HTML) message over SMTP with smtplib.

Security is ``starttls`` (port 587), ``tls`` (implicit TLS, port 465) or ``none`` (a relay on a
trusted network); certificates are verified with the system's trust store. The password comes
from the environment through config.yaml (``${SMTP_PASSWORD}``) and is never logged.

The Message-ID is derived from the alert key, so if wirewatch dies between the server's
"250 OK" and marking the alert sent, the message sent again on restart carries the same
Message-ID and mail clients and list servers treat it as the same message. An update is
threaded under the first alert about the incident with ``In-Reply-To`` and ``References``.

SMTP replies map to retries by their class: 5xx is permanent (the address, the sender or the
content is refused), 4xx and lost connections are temporary. If the server accepts some
recipients and refuses others, the message counts as sent (sending again would duplicate it for
those who got it) and the refusals are logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from crawler.alerts.message import Message
from crawler.alerts.templates import ChannelTemplates, one_line
from crawler.config import EmailChannel
from crawler.errors import AlertError

log = logging.getLogger(__name__)

# RFC 5322 recommends lines under 78 characters; a subject of about this length stays readable
# in every client's message list.
SUBJECT_MAX_CHARS = 180
FALLBACK_DOMAIN = "wirewatch.invalid"


def message_id(key: str, domain: str) -> str:
    """``<wirewatch.incident-20.email.v2@example.org>``: the same key gives the same id."""
    local = "wirewatch." + key.replace(":", ".").replace("incident.", "incident-", 1)
    return f"<{local}@{domain}>"


def sender_domain(from_addr: str) -> str:
    _, at, domain = parseaddr(from_addr)[1].rpartition("@")
    return domain if at and domain else FALLBACK_DOMAIN


class EmailSender:
    def __init__(self, config: EmailChannel, *, ssl_context: ssl.SSLContext | None = None):
        self.name = config.name
        self.config = config
        self.timeout_s = config.timeout.total_seconds()
        self.templates = ChannelTemplates("email", config.template)
        self._ssl_context = ssl_context

    def send(self, message: Message) -> None:
        email = self.compose(message)
        try:
            with self._connect() as smtp:
                self._login(smtp)
                refused = smtp.send_message(email)
        except smtplib.SMTPNotSupportedError as e:  # e.g. no AUTH offered: a config problem
            raise AlertError(f"SMTP {self.config.host}: {e}", permanent=True) from e
        except smtplib.SMTPResponseException as e:
            reply = (
                e.smtp_error.decode("utf-8", "replace")
                if isinstance(e.smtp_error, bytes)
                else e.smtp_error
            )
            raise AlertError(f"SMTP {e.smtp_code}: {reply}", permanent=e.smtp_code >= 500) from e
        except smtplib.SMTPRecipientsRefused as e:
            codes = sorted({code for code, _ in e.recipients.values()})
            raise AlertError(
                f"SMTP refused every recipient ({', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from e
        except (smtplib.SMTPException, OSError) as e:  # disconnects, timeouts, TLS errors
            raise AlertError(f"SMTP {self.config.host}:{self.config.port}: {e}") from e
        for address, (code, reply) in refused.items():
            log.warning(
                "recipient refused channel=%s key=%s to=%s code=%s reply=%s",
                self.name,
                message.key,
                address,
                code,
                reply.decode("utf-8", "replace"),
            )

    def compose(self, message: Message) -> EmailMessage:
        """The e-mail for ``message``: headers, a text part and an HTML alternative."""
        domain = sender_domain(self.config.from_addr)
        email = EmailMessage()
        subject = self.templates.render("subject", message, escape="text")
        email["Subject"] = one_line(subject, SUBJECT_MAX_CHARS)
        email["From"] = self.config.from_addr
        email["To"] = ", ".join(self.config.to)
        email["Date"] = format_datetime(datetime.fromisoformat(message.rendered_at))
        email["Message-ID"] = message_id(message.key, domain)
        if message.thread_key:
            first = message_id(message.thread_key, domain)
            email["In-Reply-To"] = first
            email["References"] = first
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
        email.set_content(self.templates.render("text", message, escape="text") + "\n")
        email.add_alternative(
            self.templates.render("html", message, escape="html") + "\n", subtype="html"
        )
        return email

    def _tls(self) -> ssl.SSLContext:
        # Made at the first TLS connection: loading the system trust store takes tens of
        # milliseconds, and senders are built at every dispatch pass.
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def _connect(self) -> smtplib.SMTP:
        host, port, timeout = self.config.host, self.config.port, self.timeout_s
        if self.config.security == "tls":
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=self._tls())
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if self.config.security == "starttls":
            try:
                smtp.starttls(context=self._tls())
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        if self.config.username is None:
            return
        password = self.config.password.get_secret_value() if self.config.password else ""
        smtp.login(self.config.username, password)
