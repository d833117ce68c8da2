-- A wirewatch database at schema version 13 as the build before crawler/storage became a
-- package left it: a feed (with the WebSub hub its document named) and two polls, three articles
-- (two in the search index, one withheld), an extraction with its tally, the MinHash index, an
-- incident with two articles, a change, a counter tick, two alerts (one sent), a manual
-- correction, a heartbeat, a pushed delivery and a WebSub subscription. Tables and indexes,
-- then every row (FTS5 shadow tables included), then the triggers.
-- Read by tests/test_storage_compat.py.
PRAGMA user_version = 13;
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
        , item_hashes TEXT, websub_hub TEXT, websub_topic TEXT);
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
        , fingerprint TEXT, process_error TEXT, version INTEGER NOT NULL DEFAULT 0, pub_status TEXT, embargoed TEXT);
CREATE UNIQUE INDEX articles_feed_guid ON articles(feed, guid);
CREATE INDEX articles_url ON articles(url);
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
        , place_kind TEXT, place_city TEXT);
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
        , place_kind TEXT, place_city TEXT);
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
        , claimed_by TEXT, claim_expires TEXT);
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
CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "title", "summary", "text",
    content="articles"
);
CREATE VIRTUAL TABLE "incidents_fts" USING FTS5 (
    "title", "place_name", "governorate", "attack_type", "target", "claimed_by", "blamed_on",
    content="incidents"
);
CREATE INDEX alerts_channel_due ON alerts(channel, state, next_attempt);
CREATE TABLE minhash_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            words INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
CREATE INDEX minhash_bands_article ON minhash_bands(article_id);
CREATE INDEX counter_ticks_ordinal ON counter_ticks(counter, ordinal);
CREATE INDEX counter_ticks_incident ON counter_ticks(incident_id);
CREATE INDEX reported_tallies_incident ON reported_tallies(incident_id);
CREATE INDEX incident_changes_article ON incident_changes(article_id);
CREATE TABLE articles_fts_queue (article_id INTEGER PRIMARY KEY);
CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('split', 'merge')),
            made_at TEXT NOT NULL,
            article_ids TEXT NOT NULL,
            other_article_ids TEXT NOT NULL DEFAULT '[]'
        );
CREATE TABLE incidents_fts_queue (incident_id INTEGER PRIMARY KEY);
CREATE INDEX articles_fingerprint ON articles(fingerprint) WHERE fingerprint IS NOT NULL;
CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE TABLE search_index (name TEXT PRIMARY KEY, indexed_upto INTEGER NOT NULL);
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
INSERT INTO [feeds] VALUES ('wire','https://wire.example/rss',1,'"v1"',NULL,NULL,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00','ok',NULL,NULL,0,0,NULL,NULL,'https://hub.example/','https://wire.example/rss');
INSERT INTO [polls] VALUES (1,'wire','2020-02-16T03:00:00+00:00',0.5,'ok',200,1200,2,0,NULL);
INSERT INTO [polls] VALUES (2,'wire','2020-02-16T03:05:00+00:00',0.2,'not_modified',304,0,0,0,NULL);
INSERT INTO [articles] VALUES (1,'wire','g1','https://wire.example/1','Rockets hit near US embassy in Baghdad','Two rockets struck near the embassy overnight.','Two rockets struck near the embassy overnight, the 20th attack since October.','en','2020-02-16T01:00:00+00:00',NULL,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00','Rockets hit near US embassy in Baghdad','Wire',NULL,NULL,NULL,NULL,NULL,'2020-02-16T03:00:00+00:00','fp1',NULL,0,NULL,NULL);
INSERT INTO [articles] VALUES (2,'wire','g2','https://wire.example/2','Roquettes près de l''ambassade américaine','Deux roquettes.','','fr','2020-02-16T02:00:00+00:00',NULL,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00','Roquettes près de l''ambassade américaine','Fil',NULL,NULL,NULL,1,'near','2020-02-16T03:00:00+00:00','fp2',NULL,2,'withheld',NULL);
INSERT INTO [articles] VALUES (3,'wire','g3','https://wire.example/3','Drone over Erbil','A drone.','','en','2020-02-16T03:00:00+00:00',NULL,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00','Drone over Erbil',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,0,NULL,NULL);
INSERT INTO [extractions] VALUES (1,1,0.93,'en',NULL,'["rockets", "embassy"]','2020-02-16T00:00:00+00:00','hour','site:us-embassy-baghdad','US Embassy','Baghdad',33.3,44.39,'rocket','embassy',1,0,1,NULL,NULL,'2020-02-16T03:00:00+00:00','site','Baghdad');
INSERT INTO [incidents] VALUES (1,'Rockets hit near US embassy in Baghdad','2020-02-16T00:00:00+00:00','hour','site:us-embassy-baghdad','US Embassy','Baghdad',33.3,44.39,'rocket','embassy',1,0,1,NULL,NULL,'en',1,2,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00',1,NULL,'site','Baghdad');
INSERT INTO [incident_articles] VALUES (1,1,'new','2020-02-16T03:00:00+00:00');
INSERT INTO [incident_articles] VALUES (2,1,'duplicate','2020-02-16T03:00:00+00:00');
INSERT INTO [incident_changes] VALUES (1,1,'2020-02-16T03:00:00+00:00',1,1,'wounded',NULL,'1');
INSERT INTO [counters] VALUES ('embassy','Attacks on the US embassy','2019-10-01',0,'{"us_interest": true}');
INSERT INTO [counter_ticks] VALUES (1,'embassy',1,20,'2020-02-16T03:00:00+00:00',20,0);
INSERT INTO [reported_tallies] VALUES (1,1,1,20,'2019-10-01','attacks on US interests',1);
INSERT INTO [alerts] VALUES (1,'incident:1:console:v1','console','new',1,1,'sent',0,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00',NULL,'{"why": "new"}',NULL,NULL);
INSERT INTO [alerts] VALUES (2,'incident:1:slack:v1','slack','new',1,1,'pending',0,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00',NULL,NULL,'{"why": "new"}',NULL,NULL);
INSERT INTO [minhash_bands] VALUES (0,0,1);
INSERT INTO [minhash_bands] VALUES (1,1,1);
INSERT INTO [minhash_bands] VALUES (2,2,1);
INSERT INTO [minhash_bands] VALUES (3,3,1);
INSERT INTO [minhash_bands] VALUES (4,4,1);
INSERT INTO [minhash_bands] VALUES (5,5,1);
INSERT INTO [minhash_bands] VALUES (6,6,1);
INSERT INTO [minhash_bands] VALUES (7,7,1);
INSERT INTO [heartbeat] VALUES ('daemon',4242,'2020-02-16T03:00:00+00:00','2020-02-16T03:00:00+00:00','{"polls": 1}');
DELETE FROM [articles_fts_data];
INSERT INTO [articles_fts_data] VALUES (1,X'020D090C');
INSERT INTO [articles_fts_data] VALUES (10,X'000000000101010001010101');
INSERT INTO [articles_fts_data] VALUES (137438953473,X'0000010E053032307468010601020A0109616D6261737361646502020603086572696361696E650202070205747461636B010601020B010762616768646164010208010264650202040302757802060101020107656D6261737379010E0601010701020701036869740102030102696E01020701016C02020501046E656172010E0401010501020501076F63746F626572010601020D02087665726E69676874010C0101080102080104707265730202030107726F636B657473010E02010103010203030771756574746573020802010103010573696E6365010601020C0205747275636B010C0101040102040103746865010E010106010206050202776F010C01010201020201027573010205040B0E0D0C0C0709120807060F0E1209120F0C0F0E0C');
DELETE FROM [articles_fts_idx];
INSERT INTO [articles_fts_idx] VALUES (1,X'',2);
DELETE FROM [articles_fts_docsize];
INSERT INTO [articles_fts_docsize] VALUES (1,X'07070C');
INSERT INTO [articles_fts_docsize] VALUES (2,X'060200');
DELETE FROM [articles_fts_config];
INSERT INTO [articles_fts_config] VALUES ('version',4);
DELETE FROM [incidents_fts_data];
INSERT INTO [incidents_fts_data] VALUES (1,X'0107020101010000');
INSERT INTO [incidents_fts_data] VALUES (10,X'000000000101010001010101');
INSERT INTO [incidents_fts_data] VALUES (137438953473,X'0000005A0830626167686461640108080102020107656D6261737379010E0601010301040201036869740102030102696E01020701046E6561720102040106726F636B6574010601030207017301020201027573010805010102040F120807090D06');
DELETE FROM [incidents_fts_idx];
INSERT INTO [incidents_fts_idx] VALUES (1,X'',2);
DELETE FROM [incidents_fts_docsize];
INSERT INTO [incidents_fts_docsize] VALUES (1,X'07020101010000');
DELETE FROM [incidents_fts_config];
INSERT INTO [incidents_fts_config] VALUES ('version',4);
INSERT INTO [minhash_signatures] VALUES (1,12,X'01020304');
INSERT INTO [corrections] VALUES (1,'split','2020-02-16T03:00:00+00:00','[2]','[]');
INSERT INTO [search_index] VALUES ('articles',2);
INSERT INTO [deliveries] VALUES (1,'wire','push','b1','2020-02-16T03:00:00+00:00','127.0.0.1',1200,1,0);
INSERT INTO [websub_subscriptions] VALUES ('wire','https://hub.example/','https://wire.example/rss','verified',NULL,NULL,'2020-02-16T03:00:00+00:00','2020-02-26T03:00:00+00:00',NULL);
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
CREATE TRIGGER articles_fts_queue_update
        AFTER UPDATE OF title, summary, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, text)
                SELECT 'delete', old.id, old.title, old.summary, old.text WHERE old.id <= (SELECT indexed_upto FROM search_index WHERE name = 'articles') AND NOT EXISTS (SELECT 1 FROM articles_fts_queue WHERE article_id = old.id);
            INSERT OR IGNORE INTO articles_fts_queue (article_id)
                SELECT new.id WHERE new.id <= (SELECT indexed_upto FROM search_index WHERE name = 'articles');
        END;
CREATE TRIGGER articles_fts_queue_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, text)
                SELECT 'delete', old.id, old.title, old.summary, old.text WHERE old.id <= (SELECT indexed_upto FROM search_index WHERE name = 'articles') AND NOT EXISTS (SELECT 1 FROM articles_fts_queue WHERE article_id = old.id);
            DELETE FROM articles_fts_queue WHERE article_id = old.id;
            UPDATE search_index
                SET indexed_upto = min(indexed_upto, (SELECT coalesce(max(id), 0) FROM articles))
                WHERE name = 'articles';
        END;
