"""Where decisions meet storage: one article in, one transaction out.

:func:`process_pending` takes every article not yet processed, in publication order, and for
each one writes in ONE transaction: its extraction, its duplicate link, the incident it joins,
opens or updates, the counter ticks this changes, the tally it states, the alerts it warrants,
and its ``processed_at``. A crash leaves each article either fully processed or untouched; an
article whose processing raises is logged, marked processed with ``process_error`` and skipped.

Joining: an article the extractor weighed below the alert threshold (``extraction.min_score``)
but not below ``extraction.join_min_score`` joins an incident it matches, and counts from then
as one of its reports; it never opens one.

A wire story its agency withheld or canceled (NewsML ``pubStatus``) is no report: it opens no
incident and raises no alert; an incident left with no report standing is withdrawn (it leaves
the counters, which renumber, until a new report supports it). One under an embargo is not
processed before the embargo ends.

Alerts: a new incident enqueues a "new" alert per enabled channel unless it is older than
``alerts.first_run_max_age`` (a first run or an archive replay must not flood the channels);
a material change (casualties up, place refined, claim) to an alerted incident enqueues one
"update" per channel. Counters are kept derived from the incident table: a new incident that
comes after the last counted one is appended, anything else renumbers the counter.

:func:`reprocess` rebuilds everything derived from the stored articles in one transaction. It
never enqueues alerts and keeps the outbox as it is (rebuilt incidents normally get their old
ids back, since they are recreated in the same order; an alert whose incident vanished loses
its link but keeps its row). Manual corrections made with :func:`split_incident` and
:func:`merge_incidents` (which send no alerts) are recorded by the articles they involve and
re-applied, in the order they were made, at the end of a reprocess; one whose articles are gone
(or no longer in any incident) is skipped with a log line.

The decisions themselves live in ``crawler.dedupe``, ``crawler.incidents`` and
``crawler.counters``; SQL lives in ``crawler.storage``; extraction in ``crawler.extract``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Protocol

from crawler import counters, dedupe, incidents
from crawler.config import Config, CounterConfig
from crawler.errors import InputError, StorageError
from crawler.incidents import Change, Report
from crawler.storage import Store
from crawler.types import SETTLED_REASONS, Article, CounterTick, Extraction, Incident

log = logging.getLogger(__name__)

# Unprocessed article ids read per query: bounds memory; the order stays publication order.
QUEUE_BATCH = 500


class ArticleExtractor(Protocol):
    """What the pipeline needs from ``crawler.extract.Extractor``."""

    def extract(
        self,
        title: str,
        text: str,
        published: datetime,
        lang: str | None = None,
        dateline: str | None = None,
    ) -> Extraction: ...


@dataclass(slots=True)
class ProcessSummary:
    """What one run of the pipeline did (for logs, the CLI and the daemon's heartbeat)."""

    processed: int = 0
    relevant: int = 0
    duplicates: int = 0
    new_incidents: int = 0
    updated_incidents: int = 0
    alerts: int = 0
    errors: int = 0


@dataclass(frozen=True, slots=True)
class Processing:
    """The settings one article is processed with."""

    config: Config
    now: datetime
    channels: tuple[str, ...]


def process_pending(
    store: Store,
    extractor: ArticleExtractor,
    config: Config,
    now: datetime,
    *,
    limit: int | None = None,
    alerts: bool = True,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Process every unprocessed article (at most ``limit``), oldest publication first.

    Returns the counts of :class:`ProcessSummary` as a dict (processed, relevant, duplicates,
    new_incidents, updated_incidents, alerts, errors). ``alerts=False`` enqueues nothing.
    ``progress`` is told how many articles have been processed after each one.
    """
    store.sync_counters(counters.counter_definition(c) for c in config.counters)
    channels = tuple(c.name for c in config.enabled_channels) if alerts else ()
    settings = Processing(config, now, channels)
    summary = ProcessSummary()
    while limit is None or summary.processed < limit:
        room = QUEUE_BATCH if limit is None else min(QUEUE_BATCH, limit - summary.processed)
        batch = store.unprocessed_article_ids(room, now)
        if not batch:
            break
        for article_id in batch:
            process_article(store, extractor, settings, article_id, summary)
            if progress is not None:
                progress(summary.processed)
    if summary.processed:
        log.info(
            "processed articles=%d relevant=%d duplicates=%d new_incidents=%d"
            " updated_incidents=%d alerts=%d errors=%d",
            summary.processed, summary.relevant, summary.duplicates, summary.new_incidents,
            summary.updated_incidents, summary.alerts, summary.errors,
        )  # fmt: skip
    # Search indexing is kept off the poll's hot path: articles stored and incidents changed
    # since the last pass enter the full-text indexes here, in one statement each.
    store.index_pending_articles()
    store.index_pending_incidents()
    return asdict(summary)


def process_article(
    store: Store,
    extractor: ArticleExtractor,
    settings: Processing,
    article_id: int,
    summary: ProcessSummary,
) -> None:
    """Process one stored article in one transaction; a failure marks it and is counted."""
    summary.processed += 1
    try:
        with store.transaction(), store.savepoint():
            article = store.article(article_id)
            if article is None:
                raise InputError(f"article {article_id} does not exist")
            _process(store, extractor, settings, article, summary)
    except StorageError:  # the database refuses (disk full ...): the article stays unprocessed
        summary.processed -= 1
        raise
    except Exception as e:  # loop boundary: one bad article never stops the others
        log.warning("article failed article_id=%d error=%s: %s", article_id, type(e).__name__, e)
        with store.transaction():
            store.mark_processed(article_id, settings.now, error=f"{type(e).__name__}: {e}")
        summary.errors += 1


def reprocess(
    store: Store,
    extractor: ArticleExtractor,
    config: Config,
    now: datetime,
    *,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Rebuild extractions, duplicate links, incidents, counters and tallies from the stored
    articles, in publication order, in one transaction. Never enqueues alerts."""
    with store.transaction():
        store.reset_processing()
        summary = process_pending(store, extractor, config, now, alerts=False, progress=progress)
        corrected = reapply_corrections(store, now)
        recompute_counters(store, config.counters, now)
        store.index_pending_incidents()
        detached = store.detach_orphan_alerts()
    log.info(
        "reprocessed articles=%d corrections=%d detached_alerts=%d",
        summary["processed"], corrected, detached,
    )  # fmt: skip
    return summary


def recompute_counters(store: Store, configured: Iterable[CounterConfig], now: datetime) -> None:
    """Renumber the given counters from the incident table (after a config change, a split or
    a merge). Call at daemon start so an edited ``since``/``start``/filter takes effect."""
    with store.transaction():
        store.sync_counters(counters.counter_definition(c) for c in configured)
        for counter in configured:
            _renumber(store, counter, now)


def split_incident(
    store: Store, incident_id: int, article_ids: Sequence[int], now: datetime
) -> int:
    """Move some articles of an incident to a new incident (a wrong merge undone by hand).

    Both incidents are recomputed from their articles and every counter is renumbered; the
    split is recorded so that a reprocess makes it again. Returns the new incident's id.
    Raises InputError for an unknown incident or foreign article.
    """
    moving = sorted(set(article_ids))
    with store.transaction():
        new_id = _split(store, incident_id, moving, now)
        store.record_correction("split", moving, (), now)
        recompute_counters(store, _stored_counters(store), now)
        store.index_pending_incidents()
    log.info("split incident=%d new_incident=%d articles=%s", incident_id, new_id, moving)
    return new_id


def merge_incidents(store: Store, keep_id: int, other_id: int, now: datetime) -> None:
    """Fold incident ``other_id`` into ``keep_id`` (two records of one event joined by hand);
    recorded so that a reprocess merges them again."""
    with store.transaction():
        kept = store.incident_article_ids(keep_id)
        folded = store.incident_article_ids(other_id)
        _merge(store, keep_id, other_id, now)
        store.record_correction("merge", kept, folded, now)
        recompute_counters(store, _stored_counters(store), now)
        store.index_pending_incidents()
    log.info("merged incident=%d into=%d", other_id, keep_id)


def reapply_corrections(store: Store, now: datetime) -> int:
    """Make the recorded manual corrections again, oldest first (after a reprocess rebuilt the
    incidents). Counters are left to the caller. Returns how many changed something."""
    applied = 0
    for correction in store.corrections():
        try:
            with store.savepoint():
                applied += _reapply(store, correction, now)
        except InputError as e:
            log.warning(
                "correction skipped correction=%d kind=%s: %s", correction["id"],
                correction["kind"], e,
            )  # fmt: skip
    return applied


# -- one article ---------------------------------------------------------------------------


def _process(
    store: Store,
    extractor: ArticleExtractor,
    settings: Processing,
    article: Article,
    summary: ProcessSummary,
) -> None:
    now = settings.now
    if article.pub_status is not None:
        summary.alerts += _withdraw(store, settings, article)
        return
    extraction = _extract(extractor, article, settings.config)
    store.save_extraction(article.id, extraction, now)
    duplicate_of = _deduplicate(store, article, extraction, settings.config)
    summary.duplicates += duplicate_of is not None
    summary.relevant += extraction.relevant
    report = Report(article.id, article.title, article.published, article.first_seen, extraction)
    incident = _place_in_incident(store, settings, report, duplicate_of, summary)
    if extraction.reported_tally is not None:
        store.save_tally(article.id, incident and incident.id, extraction.reported_tally)
    if incident is not None:
        _count(store, settings.config.counters, incident, now)
    store.mark_processed(article.id, now)


def _withdraw(store: Store, settings: Processing, article: Article) -> int:
    """A wire story its agency withheld or canceled: no report, so it opens no incident and
    raises no alert. An incident an earlier version joined keeps it, no longer counted as a
    report (its extraction says "withdrawn"). When no other report supports it any more, the
    incident is withdrawn: marked so, and no longer counted (the counters renumber). When it
    was alerted, the channels hear of the withdrawal: one "withdrawn" alert per channel, ever
    (its key is per incident, not per version). Returns the alerts queued."""
    now = settings.now
    lang = article.lang or ""
    store.save_extraction(article.id, Extraction(False, 0.0, lang, reason="withdrawn"), now)
    store.mark_processed(article.id, now)
    log.info("article withdrawn article_id=%d status=%s", article.id, article.pub_status)
    incident_id = store.incident_of_article(article.id)
    if incident_id is None or store.supporting_reports(incident_id):
        return 0  # other reports still stand for it: nothing to take back
    incident = _stored_incident(store, incident_id)
    if incident.withdrawn is None:
        incident = replace(incident, withdrawn=now)
        store.save_incident(incident)
        _count(store, settings.config.counters, incident, now)
        log.info("incident withdrawn incident=%d article_id=%d", incident_id, article.id)
    if not settings.channels or not store.was_alerted(incident_id):
        return 0
    payload = {"withdrawn": {"title": article.title, "outlet": article.source or article.feed,
                             "status": article.pub_status}}  # fmt: skip
    queued = store.enqueue_alerts(
        incident_id, incident.version, "withdrawn", settings.channels, now, payload
    )
    return queued


def _extract(extractor: ArticleExtractor, article: Article, config: Config) -> Extraction:
    extraction = extractor.extract(
        article.title,
        article.text or article.summary,
        article.published,
        lang=article.lang,
        dateline=article.dateline,
    )
    if extraction.relevant and extraction.score < config.extraction.min_score:
        return replace(extraction, relevant=False, reason="below_min_score")
    return extraction


def _deduplicate(
    store: Store, article: Article, extraction: Extraction, config: Config
) -> int | None:
    """Link the article to the first one it copies (by URL, exact text, near-identical text)
    and index it for later copies when it is an original. Returns the original's id.

    Only stories of violence in Iraq (the extraction's reason is not settled) are indexed for
    near-identical copies: a copy matters for the incident it joins (even a copy the extractor
    misreads joins its original's incident), and writing the bands of every sports story and
    feature was a fifth of the pipeline's time."""
    normalised = dedupe.normalised_article(article.title, article.text or article.summary)
    fingerprint = dedupe.fingerprint(normalised)
    original, reason = None, None
    if article.url:
        original = store.processed_original_with("url", article.url, article.id)
        reason = "same url"
    if original is None:
        original = store.processed_original_with("fingerprint", fingerprint, article.id)
        reason = "same text"
    signature = dedupe.signature(normalised)
    if original is None and signature.usable:
        original, reason = _near_duplicate(store, article.id, signature, extraction, config)
    indexed = None
    if original is None and signature.usable and _may_matter(extraction):
        indexed = (signature.values, signature.bands, signature.words)
    store.save_dedup(article.id, fingerprint, original, reason if original else None, indexed)
    return original


def _near_duplicate(
    store: Store,
    article_id: int,
    signature: dedupe.Signature,
    extraction: Extraction,
    config: Config,
) -> tuple[int | None, str | None]:
    threshold = config.incidents.near_duplicate_threshold
    for candidate, words, values in store.near_duplicate_candidates(signature.bands, article_id):
        same, similarity = dedupe.is_near_duplicate(signature, values, words, threshold)
        if same and _same_scene(store, candidate, extraction, config):
            return candidate, f"near-identical text (estimated Jaccard {similarity:.2f})"
    return None, None


def _same_scene(store: Store, candidate: int, extraction: Extraction, config: Config) -> bool:
    """Near-identical text about another place is another story, not a copy: wires reuse one
    wording for attacks in different towns ("a roadside bomb killed two soldiers near X"), and
    a copy must not carry such a report into the first town's incident."""
    other = store.extraction(candidate)
    if other is None:
        return True
    relation = incidents.place_relation(extraction.place, other.place, config.incidents.distance_km)
    return relation is not None


def _place_in_incident(
    store: Store,
    settings: Processing,
    report: Report,
    duplicate_of: int | None,
    summary: ProcessSummary,
) -> Incident | None:
    """Join, update or open the incident this article reports; returns it as it now stands."""
    linked = store.incident_of_article(report.article_id)  # an updated article already placed
    if linked is not None:
        return _attach(store, settings, report, _stored_incident(store, linked), None, summary)
    original_incident = store.incident_of_article(duplicate_of) if duplicate_of else None
    if original_incident is not None:
        reason = f"duplicate of article {duplicate_of}"
        incident = _stored_incident(store, original_incident)
        return _attach(store, settings, report, incident, reason, summary)
    if not report.extraction.relevant and not _may_join(report.extraction, settings.config):
        return None
    config = settings.config.incidents
    start, end = incidents.candidate_window(report, config)
    # Only the incidents whose time and place can match are read (by the event-time index):
    # a busy day has dozens of incidents in the country, a handful near one place.
    near, span_deg = incidents.candidate_area(report, config) or (None, (0.0, 0.0))
    candidates = store.incidents_between(start, end, near, span_deg)
    match = incidents.best_match(report, candidates, config)
    if match is None:
        return _open(store, settings, report, summary) if report.extraction.relevant else None
    chosen = next(c for c in candidates if c.id == match.incident_id)
    if not report.extraction.relevant:  # a weaker report of a known incident: it joins
        joined = replace(report.extraction, relevant=True, reason=None)
        store.save_extraction(report.article_id, joined, settings.now)
        summary.relevant += 1
        report = replace(report, extraction=joined)
    return _attach(store, settings, report, chosen, match.reason, summary)


def _may_matter(extraction: Extraction) -> bool:
    """A report, or a story of violence in Iraq weighed below the threshold."""
    return extraction.relevant or extraction.reason not in SETTLED_REASONS


def _may_join(extraction: Extraction, config: Config) -> bool:
    """A story of violence in Iraq weighed below the alert threshold, but not far below it."""
    return (
        extraction.reason not in SETTLED_REASONS
        and extraction.score >= config.extraction.join_min_score
    )


def _open(store: Store, settings: Processing, report: Report, summary: ProcessSummary) -> Incident:
    incident = replace(incidents.incident_from_report(report, settings.now), sources=1)
    incident = replace(incident, id=store.save_incident(incident))
    store.link_article(report.article_id, incident.id, "new", settings.now)
    summary.new_incidents += 1
    max_age = settings.config.alerts.first_run_max_age
    if settings.channels and incidents.is_fresh(incident, report.published, settings.now, max_age):
        summary.alerts += store.enqueue_alerts(
            incident.id, incident.version, "new", settings.channels, settings.now, {}
        )
    log.info(
        "incident opened incident=%d article_id=%d place=%s type=%s",
        incident.id, report.article_id, incident.place_id, incident.attack_type,
    )  # fmt: skip
    return incident


def _attach(
    store: Store,
    settings: Processing,
    report: Report,
    before: Incident,
    reason: str | None,
    summary: ProcessSummary,
) -> Incident:
    """Add a report to an incident: link it, fold in what it says, record and alert changes.
    Returns the incident as it now stands.

    ``reason`` None keeps the article's existing link (an updated article re-read)."""
    now = settings.now
    incident_id = before.id
    if reason is not None:
        store.link_article(report.article_id, incident_id, reason, now)
    after, changes = before, ()
    if report.extraction.relevant:  # an irrelevant copy joins but does not speak for it
        after, changes = incidents.merge_report(before, report, now)
    after, coverage = _with_coverage(store, replace(after, updated=now))
    after = _standing(store, after)
    store.save_incident(after)
    changes += coverage
    if not changes:
        return after
    summary.updated_incidents += 1
    store.record_incident_changes(
        incident_id, after.version, report.article_id, [c.as_dict() for c in changes], now
    )
    material = [c.as_dict() for c in changes if c.material]
    if material and settings.channels and store.was_alerted(incident_id):
        summary.alerts += store.enqueue_alerts(
            incident_id, after.version, "update", settings.channels, now, {"changes": material}
        )
    log.info(
        "incident updated incident=%d article_id=%d version=%d changes=%s",
        incident_id, report.article_id, after.version, ",".join(c.field for c in changes),
    )  # fmt: skip
    return after


def _standing(store: Store, incident: Incident) -> Incident:
    """A withdrawn incident that a report supports again is withdrawn no more (so counted)."""
    if incident.withdrawn is not None and store.supporting_reports(incident.id):
        log.info("incident restored incident=%d", incident.id)
        return replace(incident, withdrawn=None)
    return incident


def _with_coverage(store: Store, incident: Incident) -> tuple[Incident, tuple[Change, ...]]:
    """The incident with its languages and outlet count recomputed, and those (minor) changes."""
    languages, sources = store.incident_coverage(incident.id)
    changes = tuple(
        Change(name, old, new)
        for name, old, new in (
            ("languages", list(incident.languages), list(languages)),
            ("sources", incident.sources, sources),
        )
        if old != new
    )
    return replace(incident, languages=languages, sources=sources), changes


# -- counters ------------------------------------------------------------------------------


def _count(
    store: Store, configured: Iterable[CounterConfig], incident: Incident, now: datetime
) -> None:
    """Bring every counter in step with one new or changed incident (as it now stands)."""
    incident_id = incident.id
    for counter in configured:
        tick = store.counter_tick(counter.name, incident_id)
        counted = counters.counts(counter, incident)
        if not counted and tick is None:
            continue
        reported = counters.reported_for(counter, store.incident_tallies(incident_id))
        if counted and tick is None:
            last = store.last_counted_incident(counter.name)
            if counters.follows(incident, last):
                ordinal = counter.start + 1 if last is None else _ordinal(store, counter, last) + 1
                store.save_ticks([CounterTick(counter.name, incident_id, ordinal, now, reported)])
                continue
        elif counted and tick is not None and _keeps_place(store, counter, incident, tick):
            if tick.reported != reported:
                store.save_ticks([replace(tick, reported=reported)])
            continue
        _renumber(store, counter, now)


def _keeps_place(
    store: Store, counter: CounterConfig, incident: Incident, tick: CounterTick
) -> bool:
    """Is a counted incident still in its place in the sequence (its event time unchanged
    relative to its neighbours)? Checked cheaply against the next and previous ordinals."""
    for neighbour_ordinal, should_follow in ((tick.ordinal - 1, True), (tick.ordinal + 1, False)):
        neighbour = store.incident_with_ordinal(counter.name, neighbour_ordinal)
        if neighbour is None:
            continue
        if counters.follows(incident, neighbour) != should_follow:
            return False
    return True


def _ordinal(store: Store, counter: CounterConfig, incident: Incident) -> int:
    tick = store.counter_tick(counter.name, incident.id)
    assert tick is not None
    return tick.ordinal


def _renumber(store: Store, counter: CounterConfig, now: datetime) -> None:
    live = store.live_incidents_since(counters.counter_since(counter))
    existing = {t.incident_id: t for t in store.counter_ticks(counter.name)}
    reported = {
        i.id: counters.reported_for(counter, store.incident_tallies(i.id))
        for i in live
        if counters.counts(counter, i)
    }
    plan = counters.plan_ticks(counter, live, existing, reported, now)
    store.replace_counter_ticks(counter.name, plan)
    log.info("counter renumbered counter=%s incidents=%d", counter.name, len(plan))


# -- manual corrections --------------------------------------------------------------------


def _split(store: Store, incident_id: int, moving: Sequence[int], now: datetime) -> int:
    before = _live_incident(store, incident_id)
    members = store.incident_article_ids(incident_id)
    strangers = sorted(set(moving) - set(members))
    if strangers:
        raise InputError(f"articles {strangers} are not in incident {incident_id}")
    if not moving or len(moving) == len(members):
        raise InputError("a split must leave at least one article on each side")
    split_off = _rebuilt(store, moving, now)
    new_id = store.save_incident(split_off)
    for article_id in moving:
        store.link_article(article_id, new_id, f"split from incident {incident_id}", now)
    store.save_incident(_with_coverage(store, replace(split_off, id=new_id))[0])
    staying = [a for a in members if a not in moving]
    _replace_rebuilt(store, before, _rebuilt(store, staying, now), now)
    return new_id


def _merge(store: Store, keep_id: int, other_id: int, now: datetime) -> None:
    if keep_id == other_id:
        raise InputError("cannot merge an incident into itself")
    keep = _live_incident(store, keep_id)
    _live_incident(store, other_id)
    for article_id in store.incident_article_ids(other_id):
        store.link_article(article_id, keep_id, f"merged from incident {other_id}", now)
    store.mark_merged(other_id, keep_id, now)
    rebuilt = _rebuilt(store, store.incident_article_ids(keep_id), now)
    _replace_rebuilt(store, keep, rebuilt, now)


def _reapply(store: Store, correction: dict, now: datetime) -> bool:
    """Make one recorded correction on the rebuilt incidents: True if it changed something,
    False if they already agree with it; InputError if its articles are gone."""
    if correction["kind"] == "split":
        moving = _placed(store, correction["article_ids"])
        incident_id = store.incident_of_article(moving[0])
        assert incident_id is not None
        members = set(store.incident_article_ids(incident_id))
        moving = [a for a in moving if a in members]
        if len(moving) == len(members):
            return False  # the rebuild already keeps them apart
        new_id = _split(store, incident_id, moving, now)
        log.info("correction reapplied correction=%d split=%d new_incident=%d",
                 correction["id"], incident_id, new_id)  # fmt: skip
        return True
    keep_id = store.incident_of_article(_placed(store, correction["article_ids"])[0])
    other_id = store.incident_of_article(_placed(store, correction["other_article_ids"])[0])
    assert keep_id is not None and other_id is not None
    if keep_id == other_id:
        return False  # the rebuild already made them one
    _merge(store, keep_id, other_id, now)
    log.info("correction reapplied correction=%d merge=%d into=%d",
             correction["id"], other_id, keep_id)  # fmt: skip
    return True


def _placed(store: Store, article_ids: Sequence[int]) -> list[int]:
    """Those of the articles that are still in an incident; InputError when none is."""
    placed = [a for a in article_ids if store.incident_of_article(a) is not None]
    if not placed:
        raise InputError(f"articles {list(article_ids)} are no longer in any incident")
    return placed


def _stored_incident(store: Store, incident_id: int) -> Incident:
    incident = store.incident(incident_id)
    assert incident is not None  # linked articles always point at a stored incident
    return incident


def _live_incident(store: Store, incident_id: int) -> Incident:
    incident = store.incident(incident_id)
    if incident is None or store.merged_into(incident_id) is not None:
        raise InputError(f"no live incident {incident_id}")
    return incident


def _rebuilt(store: Store, article_ids: Sequence[int], now: datetime) -> Incident:
    reports = [_stored_report(store, a) for a in article_ids]
    relevant = [r for r in reports if r.extraction.relevant] or reports
    incident = incidents.rebuild_incident(relevant, now)
    assert incident is not None
    return incident


def _replace_rebuilt(store: Store, before: Incident, rebuilt: Incident, now: datetime) -> None:
    """Overwrite an incident with its recomputation, recording what changed."""
    after = replace(
        rebuilt, id=before.id, version=before.version + 1, updated=now, withdrawn=before.withdrawn
    )
    after, _ = _with_coverage(store, after)
    after = _standing(store, after)
    store.save_incident(after)
    changes = [c.as_dict() for c in incidents.incident_changes(before, after)]
    store.record_incident_changes(before.id, after.version, None, changes, now)


def _stored_counters(store: Store) -> list[CounterConfig]:
    """The counters as last synchronised from config.yaml (split and merge get no config)."""
    return [CounterConfig.model_validate(row) for row in store.counter_definitions()]


def _stored_report(store: Store, article_id: int) -> Report:
    article = store.article(article_id)
    extraction = store.extraction(article_id)
    if article is None or extraction is None:
        raise InputError(f"article {article_id} has not been processed")
    return Report(article.id, article.title, article.published, article.first_seen, extraction)
