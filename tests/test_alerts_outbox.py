"""The outbox and the dispatcher on real SQLite files: claims, exactly-once, retries by hand,
rendering from the incident's current state, template overrides, the CLI-facing calls."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.alerts import dispatch_due, outbox_counts, outbox_rows, retry, send_test
from crawler.alerts.channels import build_senders
from crawler.alerts.message import Message
from crawler.config import config_from_dict
from crawler.errors import AlertError, ConfigError, InputError, StorageError
from crawler.storage import Store
from tests.alerts_fixtures import add_alerted_incident, add_incident

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=2)


def console_config(**channel):
    return config_from_dict(
        {"alerts": {"channels": [{"name": "console", "type": "console", **channel}]}}
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "wirewatch.db") as store:
        yield store


class Recorder:
    """A channel that keeps what it is asked to send and fails as told (first the script)."""

    def __init__(self, name: str = "rec", script: list[AlertError] | None = None):
        self.name = name
        self.timeout_s = 1.0
        self.script = list(script or [])
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        if self.script:
            raise self.script.pop(0)
        self.sent.append(message)


def test_console_channel_prints_one_block_per_alert(store):
    stream = io.StringIO()
    config = console_config()
    add_alerted_incident(store, NOW, ("console",))
    add_alerted_incident(store, NOW, ("console",), attack_type="drone", ordinal=21, reported=21)

    summary = dispatch_due(store, config, NOW, channels=build_senders(config, stream=stream))

    assert (summary.sent, summary.retrying, summary.failed) == (2, 0, 0)
    out = stream.getvalue()
    assert out.count("=== #") == 2
    assert "=== #20 Rocket attack — Green Zone, Baghdad — US embassy ===" in out
    assert "tally mismatch: AFP says 19th, we count #20" in out
    assert "=== #21 Drone attack" in out
    assert "we count #21" not in out
    assert "When:       2020-02-16 00:30 UTC (03:30 Baghdad)" in out


def test_a_second_pass_sends_nothing_again(store):
    recorder = Recorder()
    add_alerted_incident(store, NOW, ("rec",))
    config = console_config()
    assert dispatch_due(store, config, NOW, channels={"rec": recorder}).sent == 1
    assert dispatch_due(store, config, NOW + LEASE * 10, channels={"rec": recorder}).sent == 0
    assert [m.key for m in recorder.sent] == ["incident:1:rec:v1"]
    assert outbox_counts(store) == {"pending": 0, "sending": 0, "sent": 1, "failed": 0}


def test_two_dispatchers_on_two_connections_never_send_the_same_alert(tmp_path):
    path = tmp_path / "wirewatch.db"
    with Store(path) as store:
        for _ in range(40):
            add_alerted_incident(store, NOW, ("rec",))
    sent: list[str] = []
    lock = threading.Lock()

    class Shared(Recorder):
        def send(self, message: Message) -> None:
            with lock:
                sent.append(message.key)

    def run() -> None:
        with Store(path) as own:  # its own connection, as another process would have
            dispatch_due(own, console_config(), NOW, channels={"rec": Shared()})

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 40
    assert len(set(sent)) == 40


def test_a_claim_is_exclusive_until_its_lease_expires(store):
    incident_id = add_incident(store, NOW)
    store.enqueue_alerts(incident_id, 1, "new", ["rec"], NOW)
    first = store.claim_due_alert("rec", NOW, "dead-dispatcher", NOW + LEASE)
    assert first is not None and first.attempts == 1
    assert store.claim_due_alert("rec", NOW + LEASE / 2, "other", NOW + LEASE) is None

    taken_over = store.claim_due_alert("rec", NOW + LEASE, "other", NOW + LEASE * 2)
    assert taken_over is not None and taken_over.id == first.id and taken_over.attempts == 2
    # The dead dispatcher's late report of a failure no longer counts ...
    assert not store.mark_alert_failed(first.id, "dead-dispatcher", "boom", NOW + LEASE)
    # ... but a delivery is a fact whoever reports it.
    assert store.mark_alert_sent(first.id, NOW + LEASE)
    assert store.alert(first.id).state == "sent"


def test_failures_back_off_then_fail_and_retry_by_hand_sends_once(store):
    config = config_from_dict({"alerts": {"max_attempts": 3, "retry_base": "10s", "channels": []}})
    recorder = Recorder(script=[AlertError("HTTP 500")] * 3)
    add_alerted_incident(store, NOW, ("rec",))
    channels = {"rec": recorder}

    summary = dispatch_due(store, config, NOW, channels=channels, rand=lambda: 0.0)
    assert (summary.retrying, summary.channels["rec"].error) == (1, "HTTP 500")
    [row] = outbox_rows(store)
    assert (row["state"], row["attempts"], row["last_error"]) == ("pending", 1, "HTTP 500")
    # Half of the 10 s step (jitter drawn 0), plus the few microseconds the pass took.
    assert row["next_attempt"].startswith("2020-02-16T01:00:05")

    assert dispatch_due(store, config, NOW + timedelta(seconds=4), channels=channels).retrying == 0
    assert dispatch_due(store, config, NOW + timedelta(minutes=1), channels=channels).retrying == 1
    assert dispatch_due(store, config, NOW + timedelta(minutes=2), channels=channels).failed == 1
    assert outbox_rows(store, "failed")[0]["attempts"] == 3
    assert outbox_counts(store)["failed"] == 1
    assert dispatch_due(store, config, NOW + timedelta(hours=5), channels=channels).sent == 0

    assert retry(store, None, NOW + timedelta(hours=6)) == 1
    assert dispatch_due(store, config, NOW + timedelta(hours=6), channels=channels).sent == 1
    assert len(recorder.sent) == 1
    assert outbox_counts(store) == {"pending": 0, "sending": 0, "sent": 1, "failed": 0}


def test_a_permanent_error_fails_at_once_and_the_channel_goes_on(store):
    recorder = Recorder(script=[AlertError("HTTP 400: invalid_blocks", permanent=True)])
    add_alerted_incident(store, NOW, ("rec",))
    add_alerted_incident(store, NOW, ("rec",))
    summary = dispatch_due(store, console_config(), NOW, channels={"rec": recorder})
    assert (summary.failed, summary.sent) == (1, 1)


def test_a_temporary_error_rests_the_channel_until_the_next_pass(store):
    recorder = Recorder(script=[AlertError("no answer within 1s")])
    for _ in range(3):
        add_alerted_incident(store, NOW, ("rec",))
    summary = dispatch_due(store, console_config(), NOW, channels={"rec": recorder})
    assert (summary.retrying, summary.sent) == (1, 0)
    assert outbox_counts(store)["pending"] == 3


def test_a_crashing_channel_keeps_its_alert_and_spares_the_others(store):
    class Broken(Recorder):
        def send(self, message: Message) -> None:
            raise RuntimeError("bug")

    recorder = Recorder()
    add_alerted_incident(store, NOW, ("broken", "rec"))
    summary = dispatch_due(
        store, console_config(), NOW, channels={"broken": Broken("broken"), "rec": recorder}
    )
    assert summary.channels["broken"].retrying == 1
    assert summary.channels["broken"].error == "RuntimeError: bug"
    assert summary.channels["rec"].sent == 1


def test_a_database_that_refuses_writes_pauses_the_channel_in_one_line(store, caplog):
    # What a full disk does to the dispatcher: the claim is written, the mark of sending fails.
    add_alerted_incident(store, NOW, ("rec",))
    full = StorageError("database or disk is full: wirewatch.db; free space and run again")

    def refuse(*args, **kwargs):
        raise full

    store.mark_alert_sent = refuse
    recorder = Recorder()
    with caplog.at_level("ERROR"):
        summary = dispatch_due(store, console_config(), NOW, channels={"rec": recorder})
    assert summary.channels["rec"].error == str(full)
    paused = [r for r in caplog.records if "alert channel paused" in r.getMessage()]
    assert len(paused) == 1 and paused[0].exc_info is None
    assert not any(r.exc_info for r in caplog.records)


def test_retry_of_one_alert(store):
    add_alerted_incident(store, NOW, ("rec",))
    config = console_config()
    failing = Recorder(script=[AlertError("HTTP 404", permanent=True)])
    dispatch_due(store, config, NOW, channels={"rec": failing})
    [row] = outbox_rows(store)
    assert retry(store, row["id"], NOW) == 1
    dispatch_due(store, config, NOW, channels={"rec": failing})
    with pytest.raises(InputError, match="already sent"):
        retry(store, row["id"], NOW)
    with pytest.raises(InputError, match="no alert with id 99"):
        retry(store, 99, NOW)
    with pytest.raises(InputError, match="unknown alert state"):
        outbox_rows(store, "lost")


def test_the_message_shows_the_incident_as_it_is_at_send_time(store):
    incident_id = add_alerted_incident(store, NOW, ("rec",))
    with store.transaction():
        store.db["incidents"].update(incident_id, {"killed": 3, "version": 2})
        store.enqueue_alerts(
            incident_id,
            2,
            "update",
            ["rec"],
            NOW,
            {"changes": [{"field": "killed", "old": 0, "new": 3}]},
        )
    recorder = Recorder()
    dispatch_due(store, console_config(), NOW, channels={"rec": recorder})
    first, update = recorder.sent
    assert first.casualties == update.casualties == "3 killed, 0 wounded"
    assert (first.kind, first.thread_key, first.update_text) == ("new", None, None)
    assert update.kind == "update"
    assert update.thread_key == first.key
    assert update.update_text == "Update: casualties now 3 killed (was 0)"


def test_an_alert_whose_incident_is_gone_fails(store):
    store.db["incidents"].insert({"id": 7, "title": "x", "first_seen": "t", "updated": "t"})
    store.enqueue_alerts(7, 1, "new", ["rec"], NOW)
    store.db.execute("PRAGMA foreign_keys = OFF")
    store.db.execute("DELETE FROM incidents WHERE id = 7")
    summary = dispatch_due(store, console_config(), NOW, channels={"rec": Recorder()})
    assert summary.failed == 1
    assert "no longer exists" in outbox_rows(store, "failed")[0]["last_error"]


def test_a_template_override_replaces_only_its_blocks(store, tmp_path):
    template = tmp_path / "mine.j2"
    template.write_text("{% block text %}ALERT {{ m.headline }} {{ m.title }}{% endblock %}")
    config = config_from_dict(
        {"alerts": {"channels": [{"name": "console", "type": "console", "template": "mine.j2"}]}},
        base_dir=tmp_path,
    )
    add_alerted_incident(store, NOW, ("console",), title="Bad\x1b[2J title")
    stream = io.StringIO()
    dispatch_due(store, config, NOW, channels=build_senders(config, stream=stream))
    assert stream.getvalue() == (
        "ALERT #20 Rocket attack — Green Zone, Baghdad — US embassy Bad[2J title\n\n"
    )


def test_a_broken_template_is_reported_at_start(tmp_path):
    template = tmp_path / "broken.j2"
    template.write_text("{% block text %}{{ m.title {% endblock %}")
    config = console_config(template=str(template))
    with pytest.raises(ConfigError, match="broken.j2: line 1: invalid template"):
        build_senders(config)


def test_send_test_goes_straight_to_the_channel():
    stream = io.StringIO()
    line = send_test(console_config(), "console", NOW, stream=stream)
    assert line == "test alert sent through channel console (console)"
    assert "=== TEST Rocket attack — Green Zone, Baghdad — US embassy ===" in stream.getvalue()
    assert "not a real incident" in stream.getvalue()
    with pytest.raises(InputError, match="no alert channel named 'slack'"):
        send_test(console_config(), "slack", NOW)


def test_channels_given_by_name_narrow_the_pass(store, capsys):
    config = config_from_dict(
        {
            "alerts": {
                "channels": [{"name": "a", "type": "console"}, {"name": "b", "type": "console"}]
            }
        }
    )
    add_alerted_incident(store, NOW, ("a", "b"))
    summary = dispatch_due(store, config, NOW, channels=["a"])
    assert summary.as_dict() == {
        "sent": 1,
        "retrying": 0,
        "failed": 0,
        "channels": {"a": {"sent": 1, "retrying": 0, "failed": 0, "error": None}},
    }
    assert {r["channel"]: r["state"] for r in outbox_rows(store)} == {"a": "sent", "b": "pending"}
    assert capsys.readouterr().out.count("=== #20 Rocket attack") == 1
