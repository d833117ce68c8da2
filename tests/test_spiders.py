"""The poll child end to end: real local HTTP servers, a real ``python -m spiders`` process and a
real SQLite file. Manners (User-Agent, conditional GET, compression, robots.txt, max-age), the
SSRF guard on every redirect, full text, certificate checks, redaction, the kill timeout, and a
batch split across worker processes (how feeds are dealt, and workers dying with their parent)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import multiprocessing
import re
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawler.config import config_from_dict
from crawler.daemon import run_batch, spider_command
from crawler.storage import Store, parse_iso
from spiders.settings import worker_concurrency
from spiders.workers import MIN_FEEDS_PER_WORKER, SharedFeeds, plan_shares, split_batch
from tests.test_ingest import rss

GOOD = rss(("g1", "Tirs de roquettes près de l'aéroport de Bagdad"), ("g2", "Drone abattu à Erbil"))


def write_config(tmp_path: Path, feeds: list[dict], **fetch) -> Path:
    """config.yaml with short limits so that failures come fast."""
    path = tmp_path / "config.yaml"
    document = {
        "database": str(tmp_path / "w.db"),
        "fetch": {"timeout": "2s", "batch_timeout": "60s"} | fetch,
        "feeds": [
            {"obey_robots": False, "allow_private": True, "interval": "10m"} | f for f in feeds
        ],
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def poll(
    config_path: Path,
    *names: str,
    timeout_s: float = 60,
    workers: int | None = None,
    grace_s: float = 15,
) -> dict:
    """One batch run as the daemon runs it: the named feeds, or every enabled one."""
    command = spider_command(config_path, config_path.parent / "w.db", list(names) or None)
    if not names:
        command.append("--all")
    if workers is not None:
        command += ["--workers", str(workers)]
    return run_batch(command, timeout_s, grace_s=grace_s)


def query(config_path: Path, sql: str, *params) -> list[dict]:
    with Store(config_path.parent / "w.db") as store:
        return store.query(sql, params)


def feed_row(config_path: Path, name: str) -> dict:
    [row] = query(config_path, "SELECT * FROM feeds WHERE name = ?", name)
    return row


def guids(config_path: Path, feed: str) -> list[str]:
    rows = query(config_path, "SELECT guid FROM articles WHERE feed = ? ORDER BY guid", feed)
    return [r["guid"] for r in rows]


@pytest.fixture
def server():
    with HTTPServer("127.0.0.1", threaded=True) as http:
        yield http


def test_conditional_get_compression_user_agent_and_file_feeds(tmp_path, server):
    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        body = gzip.compress(GOOD)
        return Response(body, headers={"ETag": '"v1"', "Content-Encoding": "gzip",
                                       "Content-Type": "application/rss+xml"})  # fmt: skip

    server.expect_request("/feed").respond_with_handler(feed)
    saved = tmp_path / "saved.xml"
    saved.write_bytes(rss(("s1", "Explosion sur une route de Diyala")))
    config = write_config(
        tmp_path,
        [
            {"name": "wire", "url": server.url_for("/feed")},
            {"name": "saved", "url": saved.as_uri()},
        ],
        contact="ops@example.org",
    )
    first = poll(config)
    assert (first["feeds"], first["ok"], first["new"], first["errors"]) == (2, 2, 3, 0)
    second = poll(config)
    assert (second["not_modified"], second["unchanged"], second["new"]) == (1, 1, 0)
    assert guids(config, "wire") == ["g1", "g2"] and guids(config, "saved") == ["s1"]
    requests = [r for r, _ in server.log]
    assert requests[0].headers["User-Agent"].startswith("wirewatch/")
    assert requests[0].headers["User-Agent"].endswith("(+ops@example.org)")
    assert "gzip" in requests[0].headers["Accept-Encoding"]
    assert "If-None-Match" not in requests[0].headers
    assert requests[1].headers["If-None-Match"] == '"v1"'
    statuses = query(config, "SELECT status FROM polls WHERE feed = 'wire' ORDER BY id")
    assert [s["status"] for s in statuses] == ["ok", "not_modified"]


def test_robots_txt_obeyed_unless_the_feed_says_otherwise(tmp_path, server):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private\n")
    server.expect_request("/private/feed").respond_with_data(GOOD)
    url = server.url_for("/private/feed")
    config = write_config(
        tmp_path,
        [{"name": "polite", "url": url, "obey_robots": True}, {"name": "told", "url": url}],
    )
    poll(config)
    assert "robots.txt" in feed_row(config, "polite")["last_error"]
    assert guids(config, "polite") == [] and guids(config, "told") == ["g1", "g2"]


def test_an_unreachable_host_with_robots_txt_on_logs_one_line_per_problem(tmp_path, capfd):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    config = write_config(
        tmp_path, [{"name": "gone", "url": f"http://127.0.0.1:{port}/feed", "obey_robots": True}]
    )
    assert poll(config)["errors"] == 1
    log = capfd.readouterr().err
    assert "Traceback" not in log
    [robots] = [line for line in log.splitlines() if "robots.txt" in line]
    assert "WARNING" in robots and "polled as if allowed" in robots and "refused" in robots
    assert len([line for line in log.splitlines() if "poll failed feed=gone" in line]) == 1


def test_cache_control_max_age_delays_the_next_poll(tmp_path, server):
    server.expect_request("/feed").respond_with_data(
        GOOD, headers={"Cache-Control": "max-age=7200"}
    )
    config = write_config(tmp_path, [{"name": "wire", "url": server.url_for("/feed")}])
    before = dt.datetime.now(dt.timezone.utc)
    poll(config)
    assert parse_iso(feed_row(config, "wire")["next_poll"]) >= before + dt.timedelta(hours=2)


PAGE = (
    "<html><head><title>Roquettes</title></head><body><article><h1>Roquettes sur Bagdad</h1>"
    + "<p>Plusieurs roquettes sont tombées dimanche près de l'ambassade, selon une source.</p>" * 30
    + "</article></body></html>"
)


def test_full_text_and_the_ssrf_guard_on_every_redirect(tmp_path, server, monkeypatch):
    # "Public" hosts are public IP literals reached through this server acting as the HTTP
    # proxy: the first hop passes the guard, the redirect to 127.0.0.1 must not be followed.
    local = server.url_for("/").rstrip("/")
    public = "http://93.184.215.14"  # example.com
    routes = {
        (public, "/feed"): Response(_linking(rss(("p1", "Attaque contre un convoi")), "p1", f"{public}/page")),
        (public, "/page"): Response(status=302, headers={"Location": f"{local}/secret"}),
        (local, "/feed"): Response(_linking(rss(("l1", "Roquettes")), "l1", f"{local}/page")),
        (local, "/page"): Response(PAGE, content_type="text/html"),
        (local, "/secret"): Response("internal only"),
    }  # fmt: skip

    def route(request: Request) -> Response:
        return routes.get((f"http://{request.host}", request.path), Response(status=404))

    server.expect_request(re.compile("^/")).respond_with_handler(route)
    monkeypatch.setenv("http_proxy", local)
    monkeypatch.delenv("no_proxy", raising=False)
    config = write_config(
        tmp_path,
        [
            {"name": "public", "url": f"{public}/feed", "full_text": True, "allow_private": False},
            {"name": "private", "url": f"{local}/feed", "full_text": True},
            {"name": "refused", "url": f"{local}/feed", "allow_private": False},
        ],
    )
    poll(config)
    assert [r.path for r, _ in server.log if r.path == "/secret"] == []
    assert feed_row(config, "public")["last_status"] == "ok"
    [public_article] = query(config, "SELECT text FROM articles WHERE feed = 'public'")
    assert "Plusieurs roquettes" not in public_article["text"]  # the feed's own text is kept
    [private_article] = query(config, "SELECT text FROM articles WHERE feed = 'private'")
    assert "Plusieurs roquettes sont tombées" in private_article["text"]
    refused = feed_row(config, "refused")
    assert refused["last_status"] == "error" and "loopback" in refused["last_error"]


def _linking(body: bytes, guid: str, url: str) -> bytes:
    return body.replace(f"https://wire.example/{guid}".encode(), url.encode())


def test_credentials_in_feed_urls_never_reach_logs_or_database(tmp_path, server, capfd):
    server.expect_request("/big").respond_with_data(b"x" * (2 * 2**20))
    url = server.url_for("/big").replace("http://", "http://reader:hunter2@") + "?token=abc123"
    config = write_config(tmp_path, [{"name": "paid", "url": url}], max_feed_size="1MiB")
    poll(config)
    stderr = capfd.readouterr().err
    row = feed_row(config, "paid")
    assert row["last_status"] == "error" and "max size" in row["last_error"].lower()
    assert "feed=paid" in stderr
    assert server.log[0][0].authorization.password == "hunter2"  # sent as a header only
    stored = json.dumps(query(config, "SELECT error FROM polls")) + row["last_error"]
    for secret in ("hunter2", "abc123"):
        assert secret not in stderr and secret not in stored


def _self_signed_context(tmp_path: Path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


def test_an_untrusted_certificate_fails_the_poll(tmp_path, server):
    server.expect_request("/feed").respond_with_data(GOOD)
    with HTTPServer("127.0.0.1", ssl_context=_self_signed_context(tmp_path)) as https:
        https.expect_request("/feed").respond_with_data(GOOD)
        config = write_config(
            tmp_path,
            [
                {"name": "selfsigned", "url": https.url_for("/feed")},
                {"name": "plain", "url": server.url_for("/feed")},
            ],
        )
        poll(config)
    row = feed_row(config, "selfsigned")
    assert row["last_status"] == "error" and guids(config, "selfsigned") == []
    assert "certificate" in row["last_error"].lower() or "ssl" in row["last_error"].lower()
    assert guids(config, "plain") == ["g1", "g2"]


def test_the_parent_kills_a_child_past_its_timeout(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        config = write_config(
            tmp_path, [{"name": "silent", "url": f"http://127.0.0.1:{port}/feed"}], timeout="30s"
        )
        summary = poll(config, timeout_s=3, grace_s=0)
    assert summary["error"].startswith("poll stopped after 3s")


def test_a_poll_is_stored_without_waiting_for_the_rest_of_its_batch(tmp_path, server):
    server.expect_request("/good").respond_with_data(GOOD, content_type="application/rss+xml")
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        config = write_config(
            tmp_path,
            [
                {"name": "good", "url": server.url_for("/good")},
                {"name": "silent", "url": f"http://127.0.0.1:{port}/feed"},
            ],
            timeout="20s",
        )
        child = subprocess.Popen(
            [*spider_command(config, tmp_path / "w.db", None), "--all"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(lambda: (tmp_path / "w.db").exists() and bool(guids(config, "good")))
            assert child.poll() is None  # the silent feed still holds the batch open
            assert [r["feed"] for r in query(config, "SELECT feed FROM polls")] == ["good"]
        finally:
            child.kill()
            child.wait()


def test_replay_command_prints_a_summary(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "one.xml").write_bytes(GOOD)
    (saved / "two.xml").write_bytes(b"<html>not a feed</html>")
    config = write_config(tmp_path, [])
    child = subprocess.run(
        [sys.executable, "-m", "spiders", "replay", "--config", str(config),
         "--db", str(tmp_path / "w.db"), str(saved)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    summary = json.loads(child.stdout.strip().splitlines()[-1])
    assert (summary["feeds"], summary["ok"], summary["errors"], summary["new"]) == (2, 1, 1, 2)
    assert guids(config, "replay:one.xml") == ["g1", "g2"]


# -- a batch split across workers ---------------------------------------------------------------


def batch(hosts: dict[str, int], per_host: int):
    """The feeds and fetch settings of a batch with ``hosts[h]`` feeds on host h."""
    config = config_from_dict(
        {
            "fetch": {"concurrent_per_host": per_host},
            "feeds": [
                {"name": f"{host}-{n}", "url": f"https://{host}/feed/{n}"}
                for host, count in hosts.items()
                for n in range(count)
            ],
        }
    )
    return list(config.feeds), config.fetch


@pytest.mark.parametrize(
    ("hosts", "per_host", "workers", "sizes"),
    [
        ({"a.example": MIN_FEEDS_PER_WORKER * 2 - 1}, 64, 2, [MIN_FEEDS_PER_WORKER * 2 - 1]),
        ({"a.example": 300}, 64, 2, [150, 150]),
        ({"a.example": 300}, 2, 4, [150, 150]),  # limit 2: a host on at most 2 workers
        ({"a.example": 300}, 1, 2, [300]),  # limit 1: one worker
        ({"a.example": 150, "b.example": 100, "c.example": 50}, 1, 2, [150, 150]),
        ({"a.example": 200, "b.example": 200}, 3, 2, [200, 200]),
        ({}, 2, 2, []),
    ],
)
def test_split_batch_spreads_hosts_within_their_limit(hosts, per_host, workers, sizes):
    feeds, fetch = batch(hosts, per_host)
    shares = split_batch(feeds, fetch, workers)
    assert sorted(len(share) for share in shares) == sorted(sizes)
    assert sorted(f.name for share in shares for f in share) == sorted(f.name for f in feeds)
    worker_limit = worker_concurrency(fetch, max(1, len(shares)))[1]
    for host in hosts:
        spread = sum(any(host in f.url for f in share) for share in shares)
        assert spread * worker_limit <= per_host


@pytest.mark.parametrize(
    ("per_host", "workers", "shared"),
    [(2, 2, True), (64, 2, True), (1, 2, False), (2, 4, False), (4, 4, True)],
)
def test_workers_share_the_batch_when_each_may_poll_every_host(per_host, workers, shared):
    feeds, fetch = batch({"a.example": 300, "b.example": 300}, per_host)
    shares = plan_shares(feeds, fetch, workers)
    assert all(isinstance(share, SharedFeeds) for share in shares) == shared
    if not shared:
        assert shares == split_batch(feeds, fetch, workers)


def test_shared_feeds_give_each_feed_to_exactly_one_forked_worker():
    feeds, _ = batch({"a.example": 500}, 2)
    shared = SharedFeeds(feeds)
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def take_all() -> None:
        results.put([feed.name for feed in shared])

    workers = [context.Process(target=take_all) for _ in range(3)]
    for worker in workers:
        worker.start()
    taken = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    names = [name for share in taken for name in share]
    assert sorted(names) == sorted(f.name for f in feeds)  # all of them, none twice
    assert list(shared) == []  # nothing left


def test_a_large_batch_is_polled_by_two_workers(tmp_path, server):
    count = MIN_FEEDS_PER_WORKER * 2
    for n in range(count):
        server.expect_request(f"/feed/{n}").respond_with_data(
            rss((f"g{n}", f"Dépêche {n}")), content_type="application/rss+xml"
        )
    config = write_config(
        tmp_path, [{"name": f"f{n}", "url": server.url_for(f"/feed/{n}")} for n in range(count)]
    )
    summary = poll(config, workers=2)
    assert summary["workers"] == 2
    assert summary["feeds"] == summary["ok"] == summary["new"] == count
    [row] = query(config, "SELECT count(DISTINCT feed) AS feeds, count(*) AS polls FROM polls")
    assert (row["feeds"], row["polls"]) == (count, count)


def test_workers_die_with_their_parent(tmp_path):
    with socket.create_server(("127.0.0.1", 0), backlog=512) as silent:  # never answers
        port = silent.getsockname()[1]
        count = MIN_FEEDS_PER_WORKER * 2
        config = write_config(
            tmp_path,
            [{"name": f"f{n}", "url": f"http://127.0.0.1:{port}/{n}"} for n in range(count)],
            timeout="60s",
        )
        parent = subprocess.Popen(
            [sys.executable, "-m", "spiders", "poll", "--config", str(config), "--all",
             "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(lambda: len(psutil.Process(parent.pid).children()) == 2)
            workers = psutil.Process(parent.pid).children()
        finally:
            parent.kill()
            parent.wait()
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert alive == [] and len(gone) == 2


def wait_for(condition, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def fresh_python(code: str) -> list[str]:
    """The words ``code`` prints when run in a new interpreter (what it imports is its own)."""
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return child.stdout.split()


def test_components_are_imported_before_the_fork_without_installing_a_reactor():
    check = (
        "import sys\n"
        "from crawler.config import config_from_dict\n"
        "from spiders.settings import import_components, scrapy_settings\n"
        "import_components(scrapy_settings(config_from_dict({'feeds': []}).fetch, 2))\n"
        "print('scrapy.core.downloader.handlers.http11' in sys.modules,"
        " 'scrapy.downloadermiddlewares.robotstxt' in sys.modules,"
        " 'twisted.internet.reactor' in sys.modules,"
        " 'scrapy.extensions.remote_control' in sys.modules,"
        " 'scrapy.downloadermiddlewares.cookies' in sys.modules)\n"
    )
    # The components a batch never uses are not even imported (spiders.settings).
    assert fresh_python(check) == ["True", "True", "False", "False", "False"]


def test_the_poll_child_does_without_numpy():
    check = (
        "import sys, runpy\n"
        "sys.argv = ['spiders', '--help']\n"
        "try:\n"
        "    runpy.run_module('spiders', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "import crawler.storage, sqlite_utils\n"
        "print(sys.modules.get('numpy') is None)\n"
    )
    assert fresh_python(check)[-1] == "True"
