"""Documents that come to wirewatch instead of being polled: agency HTTP push, drop folders
and WebSub. Every way ends in :func:`crawler.push.deliver.deliver`, which hands the document to
the same reading and storing as a poll (crawler.ingest) and records it as a poll of its feed.

Modules: ``deliver`` (one document in, stored once), ``auth`` (bearer tokens and HMAC
signatures of agency pushes), ``server`` (the HTTP receiver: POST /push/<feed> and the WebSub
callback), ``spool`` (drop folders watched with inotify), ``websub`` (WebSub decisions:
discovery, derived secrets, signatures, the subscription plan, verification answers),
``subscriber`` (asking hubs), ``callback`` (answering hubs), ``receivers`` (starting them in
the daemon).
"""
