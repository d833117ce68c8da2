"""Documents that come to wirewatch instead of being polled: agency HTTP push and drop folders.
Every way ends in :func:`crawler.push.deliver.deliver`, which hands the document to the
same reading and storing as a poll (crawler.ingest) and records it as a poll of its feed.

Modules: ``deliver`` (one document in, stored once), ``auth`` (bearer tokens and HMAC
signatures), ``server`` (the HTTP receiver: POST /push/<feed>), ``spool``
(drop folders watched with inotify), ``receivers`` (starting them in the daemon).
"""
