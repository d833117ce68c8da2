"""The e-mail channel against real local SMTP servers (aiosmtpd): one that accepts, one that
refuses, one that drops the connection, one that requires AUTH with a password from the
environment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.alerts import dispatch_due, outbox_counts, outbox_rows, send_test
from crawler.alerts.channels import build_senders
from crawler.alerts.smtp import EmailSender
from crawler.config import config_from_dict
from crawler.errors import AlertError
from crawler.storage import Store
from tests.alerts_fixtures import SmtpSink, add_alerted_incident, self_signed_tls

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(minutes=5)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "wirewatch.db") as store:
        yield store


@pytest.fixture
def smtp():
    sink = SmtpSink()
    yield sink
    sink.close()


def email_config(port: int, *, to=("desk@example.org", "duty@example.org"), **channel):
    return config_from_dict(
        {
            "alerts": {
                "retry_base": "1m",
                "channels": [
                    {
                        "name": "email",
                        "type": "email",
                        "host": "127.0.0.1",
                        "port": port,
                        "security": "none",
                        "from": "wirewatch <alerts@wirewatch.example>",
                        "to": list(to),
                        "timeout": "5s",
                        **channel,
                    }
                ],
            }
        }
    )


def dispatch(store, config, now=NOW):
    return dispatch_due(store, config, now, channels=build_senders(config))


def test_the_email_has_headers_both_parts_and_escaped_feed_text(store, smtp):
    config = email_config(smtp.port)
    incident_id = add_alerted_incident(
        store, NOW, ("email",), title='<script>alert("x")</script> Rockets & sirens'
    )
    assert dispatch(store, config).sent == 1

    [mail] = smtp.messages
    assert mail["Subject"] == "[wirewatch] #20 Rocket attack — Green Zone, Baghdad — US embassy"
    assert mail["From"] == "wirewatch <alerts@wirewatch.example>"
    assert mail["To"] == "desk@example.org, duty@example.org"
    assert mail["Message-ID"] == f"<wirewatch.incident-{incident_id}.email.v1@wirewatch.example>"
    assert mail["In-Reply-To"] is None
    assert mail["Date"] is not None and mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert '<script>alert("x")</script> Rockets & sirens' in text
    assert "When:       2020-02-16 00:30 UTC (03:30 Baghdad)" in text
    assert "tally mismatch: AFP says 19th, we count #20" in text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Rockets &amp; sirens" in html
    assert '<a href="https://wire.example/fr/roquettes-bagdad">' in html
    assert "https://www.openstreetmap.org/?mlat=33.30090&amp;mlon=44.39580" in html


def test_a_subject_with_line_breaks_cannot_inject_headers(store, smtp):
    config = email_config(smtp.port)
    add_alerted_incident(
        store,
        NOW,
        ("email",),
        attack_type=None,
        title="Blast in Basra\r\nBcc: everyone@example.org\r\n\r\nfake body",
    )
    assert dispatch(store, config).sent == 1
    [mail] = smtp.messages
    # Whitespace normalised: the stdlib folds this long subject and unfolds it with a double space.
    assert " ".join(mail["Subject"].split()) == (
        "[wirewatch] #20 Blast in Basra Bcc: everyone@example.org fake body"
        " — Green Zone, Baghdad — US embassy"
    )
    assert mail["Bcc"] is None


def test_an_update_is_threaded_under_the_first_alert(store, smtp):
    config = email_config(smtp.port)
    incident_id = add_alerted_incident(store, NOW, ("email",))
    with store.transaction():
        store.db["incidents"].update(incident_id, {"killed": 3, "version": 2})
        store.enqueue_alerts(
            incident_id,
            2,
            "update",
            ["email"],
            NOW,
            {"changes": [{"field": "killed", "old": 0, "new": 3}]},
        )
    assert dispatch(store, config).sent == 2
    first, update = smtp.messages
    assert update["Subject"].startswith("[wirewatch] Update: #20 Rocket attack")
    assert update["In-Reply-To"] == first["Message-ID"]
    assert update["References"] == first["Message-ID"]
    assert update["Message-ID"] != first["Message-ID"]
    assert "Update: casualties now 3 killed (was 0)" in update.get_body(("plain",)).get_content()


@pytest.mark.parametrize("refusal", ["refuse_rcpt", "refuse_data"])
def test_a_5xx_refusal_fails_the_alert_for_good(store, smtp, refusal):
    config = email_config(smtp.port, to=("desk@example.org",))
    smtp.script.append(refusal)
    add_alerted_incident(store, NOW, ("email",))
    assert dispatch(store, config).failed == 1
    [row] = outbox_rows(store, "failed")
    assert "55" in row["last_error"]
    assert smtp.messages == []


def test_a_4xx_answer_is_retried_then_delivered_once(store, smtp):
    config = email_config(smtp.port)
    smtp.script.append("busy")
    add_alerted_incident(store, NOW, ("email",))
    assert dispatch(store, config).retrying == 1
    assert outbox_rows(store)[0]["last_error"].startswith("SMTP 451")
    assert dispatch(store, config, LATER).sent == 1
    assert len(smtp.messages) == 1


def test_a_dropped_connection_is_retried_and_nothing_is_lost_or_doubled(store, smtp):
    config = email_config(smtp.port)
    smtp.script.extend(["drop", "drop"])
    ids = [add_alerted_incident(store, NOW, ("email",)) for _ in range(3)]
    moment = NOW
    for _ in range(6):
        dispatch(store, config, moment)
        moment += timedelta(minutes=10)
    got = sorted(m["Message-ID"] for m in smtp.messages)
    assert got == sorted(f"<wirewatch.incident-{i}.email.v1@wirewatch.example>" for i in ids)
    assert outbox_counts(store)["sent"] == 3


# aiosmtpd warns about AUTH without TLS: on 127.0.0.1, in a test, that is what is wanted.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_auth_with_the_password_from_the_environment(store, monkeypatch):
    monkeypatch.setenv("WIREWATCH_TEST_SMTP_PASSWORD", "s3cret pass")
    sink = SmtpSink(username="wirewatch", password="s3cret pass")
    try:
        config = email_config(
            sink.port, username="wirewatch", password="${WIREWATCH_TEST_SMTP_PASSWORD}"
        )
        assert "s3cret" not in repr(config)
        add_alerted_incident(store, NOW, ("email",))
        assert dispatch(store, config).sent == 1
        assert sink.auth_logins == ["wirewatch"] and len(sink.messages) == 1

        wrong = email_config(sink.port, username="wirewatch", password="guess")
        add_alerted_incident(store, NOW, ("email",))
        assert dispatch(store, wrong).failed == 1
        assert outbox_rows(store, "failed")[0]["last_error"].startswith("SMTP 535")
    finally:
        sink.close()


def test_send_test_through_email(smtp):
    line = send_test(email_config(smtp.port), "email", NOW)
    assert line == "test alert sent through channel email (email)"
    [mail] = smtp.messages
    assert mail["Subject"].startswith("[wirewatch] Test: Rocket attack")


def test_send_test_reports_an_unreachable_server():
    with pytest.raises(AlertError, match="SMTP 127.0.0.1:1"):
        send_test(email_config(1), "email", NOW)


def test_starttls_then_auth_over_the_encrypted_connection(store, tmp_path):
    server_tls, client_tls = self_signed_tls(tmp_path)
    sink = SmtpSink(username="wirewatch", password="pw", tls_context=server_tls)
    try:
        config = email_config(sink.port, security="starttls", username="wirewatch", password="pw")
        channel = config.alerts.channels[0]
        add_alerted_incident(store, NOW, ("email",))
        trusting = {"email": EmailSender(channel, ssl_context=client_tls)}
        assert dispatch_due(store, config, NOW, channels=trusting).sent == 1
        assert sink.auth_logins == ["wirewatch"] and len(sink.messages) == 1

        # The system trust store does not know this certificate: refused, kept for a retry.
        add_alerted_incident(store, NOW, ("email",))
        assert dispatch(store, config).retrying == 1
        assert "CERTIFICATE_VERIFY_FAILED" in outbox_rows(store, "pending")[0]["last_error"]
    finally:
        sink.close()
