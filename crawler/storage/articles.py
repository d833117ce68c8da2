"""Articles and what deduplication keeps of them: the stored entries, their dedup keys, the
MinHash index of near-duplicates, and the processing queue.

Owns the tables ``articles`` (one row per entry of a feed, keyed by feed and guid, with its wire
version, publishing status and embargo; its ``fingerprint``, ``duplicate_of`` and
``processed_at`` columns are the dedup keys and the queue), ``minhash_signatures`` and
``minhash_bands`` (the LSH index of originals). Reads no other table. The full-text index of
articles is kept by :mod:`crawler.storage.upkeep`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from crawler.storage.connection import SQL_VARIABLES_PER_QUERY, Connection
from crawler.storage.values import iso, parse_iso
from crawler.types import Article, Entry


class ArticleStore(Connection):
    """The verbs of the articles, minhash_signatures and minhash_bands tables."""

    def upsert_entries(
        self,
        feed: str | None,
        entries: Iterable[Entry],
        now: datetime,
        content_hash: Callable[[Entry], str],
    ) -> tuple[int, int]:
        """Insert new entries and update changed ones, in one transaction: (new, updated).

        The key is (feed, guid). A re-published entry whose content changed is updated in
        place, keeps its first-seen time and is queued for processing again; an identical one
        changes nothing. ``content_hash`` is the fingerprint deciding "changed". An entry
        repeated in ``entries`` is stored once, as its last occurrence.

        One query reads the stored hashes, one executemany inserts the new entries and one
        updates the changed ones: a statement per entry, and sqlite-utils' table introspection
        before that, were most of the cost of storing a feed (bench/poll.py).
        """
        latest = {entry.guid: entry for entry in entries}
        digests = {guid: content_hash(entry) for guid, entry in latest.items()}
        stamp = iso(now)
        with self.transaction():
            stored = self.article_hashes(feed, digests)
            new_rows = [
                (*_entry_row(entry), feed, guid, stamp, stamp, digests[guid])
                for guid, entry in latest.items()
                if guid not in stored
            ]
            changed_rows = [
                (*_entry_row(entry), digests[guid], stamp, feed, guid, entry.version)
                for guid, entry in latest.items()
                if guid in stored and stored[guid] != digests[guid]
            ]
            if new_rows:
                self.db.conn.executemany(_INSERT_ARTICLE, new_rows)
            updated = 0
            if changed_rows:  # rowcount: older versions were left alone
                updated = self.db.conn.executemany(_UPDATE_ARTICLE, changed_rows).rowcount
        return len(new_rows), updated

    def article_hashes(self, feed: str | None, guids: Iterable[str]) -> dict[str, str]:
        """GUID -> stored content hash, for those of ``guids`` already stored for ``feed``."""
        guids = list(guids)
        found: dict[str, str] = {}
        for start in range(0, len(guids), SQL_VARIABLES_PER_QUERY):
            chunk = guids[start : start + SQL_VARIABLES_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT guid, content_hash FROM articles WHERE feed IS ? AND guid IN ({marks})",
                [feed, *chunk],
            )
            found.update(rows.fetchall())
        return found

    def article(self, article_id: int) -> Article | None:
        rows = self.query("SELECT * FROM articles WHERE id = ?", [article_id])
        return article_from_row(rows[0]) if rows else None

    def article_id(self, feed: str | None, guid: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE feed IS ? AND guid = ?", [feed, guid]
        ).fetchone()
        return row[0] if row else None

    def set_external_id(self, article_id: int, external_id: str) -> None:
        self.db.execute(
            "UPDATE articles SET external_id = ? WHERE id = ?", [external_id, article_id]
        )

    def unprocessed_article_ids(self, limit: int = 1000, now: datetime | None = None) -> list[int]:
        """Articles waiting for extraction/dedup/merging, oldest publication first; with
        ``now``, those under an embargo that has not ended yet wait longer."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE processed_at IS NULL"
            " AND (embargoed IS NULL OR embargoed <= ?) ORDER BY published, id LIMIT ?",
            [iso(now) if now else "9999", limit],
        ).fetchall()
        return [r[0] for r in rows]

    def is_processed(self, article_id: int) -> bool:
        row = self.db.execute(
            "SELECT processed_at IS NOT NULL FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        return bool(row and row[0])

    def mark_processed(self, article_id: int, now: datetime, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE articles SET processed_at = ?, process_error = ? WHERE id = ?",
            [iso(now), error, article_id],
        )

    def processed_original_with(self, column: str, value: str, article_id: int) -> int | None:
        """The first processed, non-duplicate article (other than this one) with this url or
        fingerprint: the original a new copy links to."""
        if column not in ("url", "fingerprint"):
            raise ValueError(f"not a dedup key: {column}")
        row = self.db.execute(
            f"SELECT id FROM articles WHERE {column} = ? AND id != ? AND duplicate_of IS NULL"
            " AND processed_at IS NOT NULL AND process_error IS NULL"
            " ORDER BY published, id LIMIT 1",
            [value, article_id],
        ).fetchone()
        return row[0] if row else None

    def near_duplicate_candidates(
        self, bands: Iterable[int], article_id: int
    ) -> list[tuple[int, int, bytes]]:
        """Articles sharing at least one LSH band hash: (article id, words, signature), oldest
        first. Each band is an indexed lookup, so the cost does not grow with the table."""
        bands = list(bands)
        union = " UNION ".join(
            "SELECT article_id FROM minhash_bands WHERE band = ? AND hash = ?" for _ in bands
        )
        params: list[Any] = [v for pair in enumerate(bands) for v in pair]
        rows = self.db.execute(
            f"SELECT s.article_id, s.words, s.signature FROM minhash_signatures s"
            f" JOIN articles a ON a.id = s.article_id WHERE s.article_id IN ({union})"
            " AND s.article_id != ? ORDER BY a.published, a.id",
            [*params, article_id],
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def save_dedup(
        self,
        article_id: int,
        fingerprint: str,
        duplicate_of: int | None,
        reason: str | None,
        signature: tuple[bytes, tuple[int, ...], int] | None,
    ) -> None:
        """Record an article's fingerprint and duplicate link; index an original's signature
        (values, band hashes, words) for near-duplicate lookups. Replaces earlier rows."""
        self.db.execute(
            "UPDATE articles SET fingerprint = ?, duplicate_of = ?, duplicate_reason = ?"
            " WHERE id = ?",
            [fingerprint, duplicate_of, reason, article_id],
        )
        self.db.execute("DELETE FROM minhash_bands WHERE article_id = ?", [article_id])
        self.db.execute("DELETE FROM minhash_signatures WHERE article_id = ?", [article_id])
        if signature is None:
            return
        values, bands, words = signature
        self.db.execute(
            "INSERT INTO minhash_signatures (article_id, words, signature) VALUES (?, ?, ?)",
            [article_id, words, values],
        )
        self.db.conn.executemany(
            "INSERT INTO minhash_bands (band, hash, article_id) VALUES (?, ?, ?)",
            [(band, value, article_id) for band, value in enumerate(bands)],
        )

    def _clear_dedup(self) -> None:
        """Forget the MinHash index and every article's dedup keys; queue every article again."""
        self.db.execute("DELETE FROM minhash_bands")
        self.db.execute("DELETE FROM minhash_signatures")
        self.db.execute(
            "UPDATE articles SET duplicate_of = NULL, duplicate_reason = NULL,"
            " fingerprint = NULL, processed_at = NULL, process_error = NULL"
        )


# The article columns an Entry fills, in the order of _entry_row.
ENTRY_COLUMNS = (
    "url", "title", "summary", "text", "lang", "published", "date_flag", "source", "author",
    "dateline", "version", "pub_status", "embargoed",
)  # fmt: skip


_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(ENTRY_COLUMNS)}, feed, guid, first_seen, updated,"
    f" content_hash) VALUES ({', '.join('?' * (len(ENTRY_COLUMNS) + 5))})"
)


# A changed entry is processed again (processed_at cleared); first_seen stays. An older version
# of a wire item (delivered late, or by a slower path) never overwrites a newer one.
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{column} = ?' for column in ENTRY_COLUMNS)},"
    " content_hash = ?, updated = ?, processed_at = NULL WHERE feed IS ? AND guid = ?"
    " AND version <= ?"
)


def _entry_row(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.url,
        entry.title,
        entry.summary,
        stored_text(entry.summary, entry.content),
        entry.lang,
        iso(entry.published),
        entry.date_flag,
        entry.source,
        entry.author,
        entry.dateline,
        entry.version,
        entry.pub_status,
        iso(entry.embargoed),
    )


def stored_text(summary: str, text: str) -> str:
    """What ``articles.text`` holds: the body when it says more than the summary, else ''.

    Most feeds give one text, which an Entry carries as both summary and content; stored twice
    it made each row too long for two to share a page, and the database three times larger.
    :func:`article_from_row` gives the summary back as the text.
    """
    return "" if text == summary else text


def article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        guid=row["guid"],
        url=row["url"],
        title=row["title"],
        summary=row["summary"],
        text=row["text"] or row["summary"],
        lang=row["lang"],
        published=parse_iso(row["published"]),
        first_seen=parse_iso(row["first_seen"]),
        content_hash=row["content_hash"],
        feed=row["feed"],
        source=row["source"],
        dateline=row["dateline"],
        duplicate_of=row["duplicate_of"],
        external_id=row["external_id"],
        pub_status=row["pub_status"],
    )
