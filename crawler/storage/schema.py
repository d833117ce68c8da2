"""The schema: numbered migrations, append only (``PRAGMA user_version`` is a file's version).

Each takes the database and brings it one version up; a released one is never edited, a change
is a new one at the end. :mod:`crawler.storage.connection` applies the pending ones at open.
Owns no rows: the module of each aggregate writes its tables.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _m1_core_tables(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE feeds (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            last_poll TEXT,
            last_success TEXT,
            last_status TEXT,
            last_http_status INTEGER,
            last_error TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0,
            flagged INTEGER NOT NULL DEFAULT 0,
            next_poll TEXT
        );
        CREATE TABLE polls (
            id INTEGER PRIMARY KEY,
            feed TEXT NOT NULL REFERENCES feeds(name),
            started TEXT NOT NULL,
            duration_s REAL NOT NULL,
            status TEXT NOT NULL,
            http_status INTEGER,
            bytes INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX polls_feed_started ON polls(feed, started);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed TEXT,
            guid TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            lang TEXT,
            published TEXT NOT NULL,
            date_flag TEXT,
            first_seen TEXT NOT NULL,
            updated TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            source TEXT,
            author TEXT,
            dateline TEXT,
            external_id TEXT,
            duplicate_of INTEGER REFERENCES articles(id),
            duplicate_reason TEXT,
            processed_at TEXT
        );
        CREATE UNIQUE INDEX articles_feed_guid ON articles(feed, guid);
        CREATE INDEX articles_url ON articles(url);
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_unprocessed ON articles(processed_at) WHERE processed_at IS NULL;
        CREATE TABLE extractions (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            relevant INTEGER NOT NULL,
            score REAL NOT NULL,
            lang TEXT,
            reason TEXT,
            evidence TEXT,
            event_time TEXT,
            time_precision TEXT,
            place_id TEXT,
            place_name TEXT,
            governorate TEXT,
            latitude REAL,
            longitude REAL,
            attack_type TEXT,
            target TEXT,
            us_interest INTEGER NOT NULL DEFAULT 0,
            killed INTEGER,
            wounded INTEGER,
            claimed_by TEXT,
            blamed_on TEXT,
            extracted_at TEXT NOT NULL
        );
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            event_time TEXT,
            time_precision TEXT NOT NULL DEFAULT 'unknown',
            place_id TEXT,
            place_name TEXT,
            governorate TEXT,
            latitude REAL,
            longitude REAL,
            attack_type TEXT,
            target TEXT,
            us_interest INTEGER NOT NULL DEFAULT 0,
            killed INTEGER,
            wounded INTEGER,
            claimed_by TEXT,
            blamed_on TEXT,
            languages TEXT NOT NULL DEFAULT '',
            sources INTEGER NOT NULL DEFAULT 0,
            articles INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            updated TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            merged_into INTEGER REFERENCES incidents(id)
        );
        CREATE INDEX incidents_event_time ON incidents(event_time);
        CREATE TABLE incident_articles (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            reason TEXT NOT NULL,
            added TEXT NOT NULL
        );
        CREATE INDEX incident_articles_incident ON incident_articles(incident_id);
        CREATE TABLE incident_changes (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            at TEXT NOT NULL,
            version INTEGER NOT NULL,
            article_id INTEGER REFERENCES articles(id),
            field TEXT NOT NULL,
            old TEXT,
            new TEXT
        );
        CREATE INDEX incident_changes_incident ON incident_changes(incident_id);
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL DEFAULT '',
            since TEXT NOT NULL,
            start INTEGER NOT NULL DEFAULT 0,
            filter TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE counter_ticks (
            id INTEGER PRIMARY KEY,
            counter TEXT NOT NULL REFERENCES counters(name),
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            ordinal INTEGER NOT NULL,
            assigned_at TEXT NOT NULL,
            reported INTEGER,
            mismatch INTEGER NOT NULL DEFAULT 0,
            UNIQUE(counter, incident_id)
        );
        CREATE TABLE reported_tallies (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            incident_id INTEGER REFERENCES incidents(id),
            n INTEGER NOT NULL,
            since TEXT,
            scope TEXT NOT NULL DEFAULT '',
            us_interest INTEGER NOT NULL DEFAULT 0,
            UNIQUE(article_id)
        );
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL,
            kind TEXT NOT NULL,
            incident_id INTEGER REFERENCES incidents(id),
            version INTEGER NOT NULL DEFAULT 1,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT NOT NULL,
            created TEXT NOT NULL,
            sent_at TEXT,
            last_error TEXT,
            payload TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX alerts_due ON alerts(state, next_attempt);
        CREATE TABLE minhash_bands (
            band INTEGER NOT NULL,
            hash INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id)
        );
        CREATE INDEX minhash_bands_lookup ON minhash_bands(band, hash);
        CREATE TABLE heartbeat (
            name TEXT PRIMARY KEY,
            pid INTEGER,
            started TEXT,
            beat TEXT,
            state TEXT NOT NULL DEFAULT '{}'
        );
        """
    )


def _m2_full_text_search(db: sqlite_utils.Database) -> None:
    # FTS5 tables kept in step by triggers; populated from rows an older version stored.
    db["articles"].enable_fts(
        ["title", "summary", "text"], fts_version="FTS5", create_triggers=True, replace=True
    )
    db["incidents"].enable_fts(
        ["title", "place_name", "governorate", "attack_type", "target", "claimed_by", "blamed_on"],
        fts_version="FTS5",
        create_triggers=True,
        replace=True,
    )


def _m3_alert_claims(db: sqlite_utils.Database) -> None:
    # An alert being sent is claimed by one dispatcher until a lease expires, so a second
    # dispatcher never sends it too, and a dispatcher that died mid-send does not hold it forever.
    db.executescript(
        """
        ALTER TABLE alerts ADD COLUMN claimed_by TEXT;
        ALTER TABLE alerts ADD COLUMN claim_expires TEXT;
        CREATE INDEX alerts_channel_due ON alerts(channel, state, next_attempt);
        """
    )


def _m4_dedup_and_incident_places(db: sqlite_utils.Database) -> None:
    # fingerprint: hash of the normalised title+text (crawler.dedupe), independent of the hash
    # the fetcher uses to detect a changed entry. minhash_signatures holds the MinHash values
    # that confirm an LSH band candidate. process_error says why an article could not be
    # processed. place_kind/place_city let matching tell a site inside a city without the
    # gazetteer at hand.
    db.executescript(
        """
        ALTER TABLE articles ADD COLUMN fingerprint TEXT;
        ALTER TABLE articles ADD COLUMN process_error TEXT;
        CREATE INDEX articles_fingerprint ON articles(fingerprint);
        CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
        CREATE TABLE minhash_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            words INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE INDEX minhash_bands_article ON minhash_bands(article_id);
        ALTER TABLE extractions ADD COLUMN place_kind TEXT;
        ALTER TABLE extractions ADD COLUMN place_city TEXT;
        ALTER TABLE incidents ADD COLUMN place_kind TEXT;
        ALTER TABLE incidents ADD COLUMN place_city TEXT;
        CREATE INDEX counter_ticks_ordinal ON counter_ticks(counter, ordinal);
        CREATE INDEX counter_ticks_incident ON counter_ticks(incident_id);
        CREATE INDEX reported_tallies_incident ON reported_tallies(incident_id);
        CREATE INDEX incident_changes_article ON incident_changes(article_id);
        """
    )


def _m5_deferred_article_search_index(db: sqlite_utils.Database) -> None:
    # Indexing an article for full-text search costs about twice its insert (43 vs 24 us for a
    # 1 KB article); done by triggers it sat on the poll's hot path. Now a new or changed article
    # only enters a queue, and index_pending_articles() indexes the queue in one statement from
    # the processing step. Invariant: an article is in articles_fts iff it is not in the queue,
    # so a change to an indexed article removes its old terms first (FTS5 external content
    # needs the old values for that).
    db.executescript(
        """
        DROP TRIGGER IF EXISTS articles_ai;
        DROP TRIGGER IF EXISTS articles_ad;
        DROP TRIGGER IF EXISTS articles_au;
        CREATE TABLE articles_fts_queue (article_id INTEGER PRIMARY KEY);
        CREATE TRIGGER articles_fts_queue_insert AFTER INSERT ON articles BEGIN
            INSERT OR IGNORE INTO articles_fts_queue (article_id) VALUES (new.id);
        END;
        CREATE TRIGGER articles_fts_queue_update
        AFTER UPDATE OF title, summary, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, text)
                SELECT 'delete', old.id, old.title, old.summary, old.text
                WHERE NOT EXISTS (SELECT 1 FROM articles_fts_queue WHERE article_id = old.id);
            INSERT OR IGNORE INTO articles_fts_queue (article_id) VALUES (new.id);
        END;
        CREATE TRIGGER articles_fts_queue_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, text)
                SELECT 'delete', old.id, old.title, old.summary, old.text
                WHERE NOT EXISTS (SELECT 1 FROM articles_fts_queue WHERE article_id = old.id);
            DELETE FROM articles_fts_queue WHERE article_id = old.id;
        END;
        """
    )


def _m6_drop_unused_article_index(db: sqlite_utils.Database) -> None:
    # No query looks articles up by content_hash (the poll reads it by feed and guid, through
    # articles_feed_guid); its index cost ~8 us on every article insert (bench/poll.py). The
    # other article indexes serve: feed_guid the poll's upsert, url and fingerprint the
    # duplicate lookups, published the processing order and Datasette's sorting, unprocessed
    # the processing queue, duplicate_of the self-referencing foreign key (and Datasette's
    # "links from other tables" on an article's page).
    db.execute("DROP INDEX IF EXISTS articles_content_hash")


def _m7_corrections_and_deferred_incident_search(db: sqlite_utils.Database) -> None:
    # corrections: the splits and merges an analyst made by hand, by the articles involved
    # (incident ids do not survive a reprocess, article ids do), re-applied in order after a
    # reprocess. article_ids: the articles split off, or those of the incident kept by a
    # merge; other_article_ids: those of the incident folded in by a merge.
    # Incident search: the triggers sqlite-utils made rewrote the FTS5 index on every update of
    # an incident row (twice per article joining it: its article count, then its facts), about
    # a tenth of the pages each processed article wrote. A new incident is still indexed at
    # once (one article in ten opens one), but as for articles (migration 5) a changed one only
    # leaves the index and enters a queue, indexed again at the end of the processing pass; an
    # update that leaves the searched columns as they were touches neither.
    db.executescript(
        """
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('split', 'merge')),
            made_at TEXT NOT NULL,
            article_ids TEXT NOT NULL,
            other_article_ids TEXT NOT NULL DEFAULT '[]'
        );
        DROP TRIGGER IF EXISTS incidents_ai;
        DROP TRIGGER IF EXISTS incidents_ad;
        DROP TRIGGER IF EXISTS incidents_au;
        CREATE TABLE incidents_fts_queue (incident_id INTEGER PRIMARY KEY);
        CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
            INSERT INTO incidents_fts (rowid, title, place_name, governorate, attack_type,
                target, claimed_by, blamed_on)
                VALUES (new.id, new.title, new.place_name, new.governorate, new.attack_type,
                    new.target, new.claimed_by, new.blamed_on);
        END;
        CREATE TRIGGER incidents_fts_queue_update AFTER UPDATE ON incidents
        WHEN old.title IS NOT new.title OR old.place_name IS NOT new.place_name
            OR old.governorate IS NOT new.governorate OR old.attack_type IS NOT new.attack_type
            OR old.target IS NOT new.target OR old.claimed_by IS NOT new.claimed_by
            OR old.blamed_on IS NOT new.blamed_on
        BEGIN
            INSERT INTO incidents_fts (incidents_fts, rowid, title, place_name, governorate,
                attack_type, target, claimed_by, blamed_on)
                SELECT 'delete', old.id, old.title, old.place_name, old.governorate,
                    old.attack_type, old.target, old.claimed_by, old.blamed_on
                WHERE NOT EXISTS (SELECT 1 FROM incidents_fts_queue WHERE incident_id = old.id);
            INSERT OR IGNORE INTO incidents_fts_queue (incident_id) VALUES (new.id);
        END;
        CREATE TRIGGER incidents_fts_queue_delete AFTER DELETE ON incidents BEGIN
            INSERT INTO incidents_fts (incidents_fts, rowid, title, place_name, governorate,
                attack_type, target, claimed_by, blamed_on)
                SELECT 'delete', old.id, old.title, old.place_name, old.governorate,
                    old.attack_type, old.target, old.claimed_by, old.blamed_on
                WHERE NOT EXISTS (SELECT 1 FROM incidents_fts_queue WHERE incident_id = old.id);
            DELETE FROM incidents_fts_queue WHERE incident_id = old.id;
        END;
        """
    )


def _m8_eight_minhash_bands(db: sqlite_utils.Database) -> None:
    # crawler.dedupe now indexes 8 bands of 4 rows (the first 32 MinHash values) instead of 16:
    # bands 0-7 keep their hashes, bands 8-15 are never looked up again.
    db.execute("DELETE FROM minhash_bands WHERE band >= 8")


def _m9_feed_item_hashes(db: sqlite_utils.Database) -> None:
    # The raw hashes of the items of a feed's last parsed body, space-separated
    # (crawler.feedformats.syndication_fast): the next poll reads only the items not among
    # them. A column beside body_hash, read and written with it: no extra query per poll.
    db.execute("ALTER TABLE feeds ADD COLUMN item_hashes TEXT")


def _m10_index_only_set_dedup_keys(db: sqlite_utils.Database) -> None:
    # An article's fingerprint and duplicate link stay NULL until it is processed, and no query
    # looks a NULL up: indexing only the set ones spares every stored article two index
    # insertions, a sixth of the cost of storing a new feed (bench/poll.py, full pass). Lookups
    # by value ("fingerprint = ?", "duplicate_of = ?") still use them.
    for column in ("fingerprint", "duplicate_of"):
        db.execute(f"DROP INDEX IF EXISTS articles_{column}")
        db.execute(
            f"CREATE INDEX articles_{column} ON articles({column}) WHERE {column} IS NOT NULL"
        )


def _m11_search_index_new_articles_by_id(db: sqlite_utils.Database) -> None:
    # A new article no longer enters articles_fts_queue through a trigger (a trigger run and a
    # queue insertion per stored article, an eighth of the cost of storing a new feed): the
    # articles above search_index.indexed_upto are the new ones, and the queue keeps only the
    # changed ones below it. Invariant: an article is in articles_fts iff its id is at most
    # indexed_upto and it is not queued. Every article stored so far is indexed or queued, so
    # the watermark starts at the highest id.
    db.execute("DROP TRIGGER articles_fts_queue_insert")
    db.execute("DROP TRIGGER articles_fts_queue_update")
    db.execute("DROP TRIGGER articles_fts_queue_delete")
    db.execute("CREATE TABLE search_index (name TEXT PRIMARY KEY, indexed_upto INTEGER NOT NULL)")
    db.execute(
        "INSERT INTO search_index (name, indexed_upto)"
        " SELECT 'articles', coalesce(max(id), 0) FROM articles"
    )
    upto = "(SELECT indexed_upto FROM search_index WHERE name = 'articles')"
    indexed = (
        f"old.id <= {upto}"
        " AND NOT EXISTS (SELECT 1 FROM articles_fts_queue WHERE article_id = old.id)"
    )
    db.execute(
        f"""CREATE TRIGGER articles_fts_queue_update
        AFTER UPDATE OF title, summary, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, text)
                SELECT 'delete', old.id, old.title, old.summary, old.text WHERE {indexed};
            INSERT OR IGNORE INTO articles_fts_queue (article_id)
                SELECT new.id WHERE new.id <= {upto};
        END"""
    )
    # SQLite gives a new row the highest id plus one, so deleting the highest rows would hand
    # their ids to new articles below the watermark: it comes down with them.
    db.execute(
        f"""CREATE TRIGGER articles_fts_queue_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, text)
                SELECT 'delete', old.id, old.title, old.summary, old.text WHERE {indexed};
            DELETE FROM articles_fts_queue WHERE article_id = old.id;
            UPDATE search_index
                SET indexed_upto = min(indexed_upto, (SELECT coalesce(max(id), 0) FROM articles))
                WHERE name = 'articles';
        END"""
    )


def _m12_wire_deliveries(db: sqlite_utils.Database) -> None:
    # Wire items (NewsML) state a version, a publishing status (withheld, canceled: a story
    # withdrawn) and an embargo (not to be processed, so never alerted, before that time).
    # Documents pushed over HTTP or dropped in a spool folder are stored as polls of their feed;
    # each accepted body is recorded once per feed (the same bytes delivered again are a no-op).
    db.executescript(
        """
        ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE articles ADD COLUMN pub_status TEXT;
        ALTER TABLE articles ADD COLUMN embargoed TEXT;
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            feed TEXT NOT NULL REFERENCES feeds(name),
            via TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            received TEXT NOT NULL,
            origin TEXT,
            bytes INTEGER NOT NULL,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            UNIQUE (feed, body_hash)
        );
        CREATE INDEX deliveries_feed_received ON deliveries(feed, received);
        """
    )


def _m13_websub_subscriptions(db: sqlite_utils.Database) -> None:
    # WebSub: the hub and topic (self URL) a feed's last parsed document named, written by its
    # poll, and one subscription per feed with its state and lease. Secrets are not stored:
    # hub.secret and the callback token are derived from push.websub.secret.
    db.executescript(
        """
        ALTER TABLE feeds ADD COLUMN websub_hub TEXT;
        ALTER TABLE feeds ADD COLUMN websub_topic TEXT;
        CREATE TABLE websub_subscriptions (
            feed TEXT PRIMARY KEY REFERENCES feeds(name),
            hub TEXT NOT NULL,
            topic TEXT NOT NULL,
            state TEXT NOT NULL,
            pending TEXT,
            requested TEXT,
            verified TEXT,
            lease_end TEXT,
            last_error TEXT
        );
        """
    )


def _m14_withdrawn_incidents(db: sqlite_utils.Database) -> None:
    # An incident whose every report its agency withheld or canceled is withdrawn: kept (its
    # articles and alerts point at it) but no longer counted, shown or exported as an incident.
    # Stored rather than derived so that the dashboard, Datasette and the digest read it as
    # they read merged_into, without joining articles and extractions per incident.
    db.execute("ALTER TABLE incidents ADD COLUMN withdrawn TEXT")


def _m15_series_counts(db: sqlite_utils.Database) -> None:
    # A stated tally is the rank of its incident ("the 19th attack") or a count of the series
    # when the article was published ("attacked at least 66 times since Oct. 17"), possibly a
    # lower bound, possibly of a series past Iraq ("in Iraq and Syria"). Rows stored before are
    # ranks of Iraq's series, as they were read.
    db.executescript(
        """
        ALTER TABLE reported_tallies ADD COLUMN rank INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE reported_tallies ADD COLUMN at_least INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE reported_tallies ADD COLUMN beyond_iraq INTEGER NOT NULL DEFAULT 0;
        """
    )


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _m1_core_tables,
    _m2_full_text_search,
    _m3_alert_claims,
    _m4_dedup_and_incident_places,
    _m5_deferred_article_search_index,
    _m6_drop_unused_article_index,
    _m7_corrections_and_deferred_incident_search,
    _m8_eight_minhash_bands,
    _m9_feed_item_hashes,
    _m10_index_only_set_dedup_keys,
    _m11_search_index_new_articles_by_id,
    _m12_wire_deliveries,
    _m13_websub_subscriptions,
    _m14_withdrawn_incidents,
    _m15_series_counts,
)
SCHEMA_VERSION = len(MIGRATIONS)
