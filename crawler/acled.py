"""Incidents as rows in the shape of ACLED's event data, so analysts can put ours beside theirs.

ACLED (the Armed Conflict Location & Event Data project) publishes one row per event with
``event_date``, ``event_type``, ``sub_event_type``, ``admin1``, ``location``, ``latitude``,
``longitude``, ``fatalities``, ``source`` and ``notes``, among others. :func:`acled_row` maps an
exported incident to those columns; the mapping of attack types to ACLED's event types is a
table here. Pure: no I/O. What it does not do: ACLED's actors, interaction codes and
geo-precision, which wirewatch does not record.
"""

from __future__ import annotations

from typing import Any

from crawler.alerts.message import TARGET_LABELS, casualties_text
from crawler.storage import parse_iso
from crawler.types import BAGHDAD

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "event_type",
    "sub_event_type",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "source",
    "notes",
)
EXPLOSIONS = "Explosions/Remote violence"
# attack type -> (event type, sub-event type), after ACLED's codebook.
EVENT_TYPES = {
    "rocket": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "mortar": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "missile": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "drone": (EXPLOSIONS, "Air/drone strike"),
    "airstrike": (EXPLOSIONS, "Air/drone strike"),
    "ied": (EXPLOSIONS, "Remote explosive/landmine/IED"),
    "suicide_bombing": (EXPLOSIONS, "Suicide bomb"),
    "clash": ("Battles", "Armed clash"),
    "shooting": ("Violence against civilians", "Attack"),
    "kidnapping": ("Violence against civilians", "Abduction/forced disappearance"),
    "other": ("Strategic developments", "Other"),
}
# A shooting at armed men is a clash in ACLED's terms, not violence against civilians.
ARMED_TARGETS = {"us_military", "coalition", "iraqi_security", "pmf", "logistics_convoy"}


def acled_row(incident: dict[str, Any]) -> dict[str, Any]:
    """One exported incident (``Store.incidents_for_export``) -> ACLED's columns."""
    kind = incident.get("attack_type") or "other"
    event_type, sub_event_type = EVENT_TYPES.get(kind, EVENT_TYPES["other"])
    if kind == "shooting" and incident.get("target") in ARMED_TARGETS:
        event_type, sub_event_type = "Battles", "Armed clash"
    moment = parse_iso(incident.get("event_time") or incident.get("first_seen"))
    local_day = moment.astimezone(BAGHDAD).date() if moment else None
    notes = [incident.get("title") or ""]
    target = incident.get("target")
    if target and target in TARGET_LABELS:
        notes.append(f"Target: {TARGET_LABELS[target]}.")
    notes.append(
        casualties_text(incident.get("killed"), incident.get("wounded")).capitalize() + "."
    )
    if incident.get("claimed_by"):
        notes.append(f"Claimed by {incident['claimed_by']}.")
    return {
        "event_id_cnty": f"WW{incident['id']}",
        "event_date": local_day.isoformat() if local_day else "",
        "year": local_day.year if local_day else "",
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "country": "Iraq",
        "admin1": incident.get("governorate") or "",
        "location": incident.get("place_name") or "",
        "latitude": incident.get("latitude"),
        "longitude": incident.get("longitude"),
        # ACLED records 0 when no death is reported.
        "fatalities": incident.get("killed") or 0,
        "source": (incident.get("outlets") or "").replace(",", "; "),
        "notes": " ".join(n for n in notes if n),
    }
