"""Loading the data files of the extractor: the lexicon of each language and the gazetteer.

The files live beside the code (``data/lexicon/{en,fr,ar}.yaml``, ``data/gazetteer.yaml``) and are
read once with :mod:`importlib.resources`. User additions from config.yaml are merged in here:
lists are extended, mappings merged key by key. This module turns the lexicon into
``(term, Tag)`` pairs for the matcher and into plain dicts for number reading; what the words
mean for a decision is left to the deciding modules.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from crawler.errors import ConfigError
from crawler.extract.lexicon import Tag, fold_term
from crawler.types import LANGUAGES

DATA_PACKAGE = "crawler.extract"
# libyaml's safe loader when PyYAML was built with it (ten times faster), else the pure one.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WORLD_FILE = "world.json"

# Lexicon sections that are flat lists of terms, read as one category each.
FLAT_SECTIONS = (
    "incident",  # acts of violence: "attack", "targeted", "gunfire", "اعتداء"
    "outcome",  # what followed, not who acted: "killed", "explosion", "سقوط"
    "accident",  # "short circuit", "collision", "تسرب غاز": a lead without violence is no incident
    "disaster",  # "earthquake", "séisme", "زلزال": an accident whose verbs are attack words ("frappe")
    "setting",  # "amid", "sur fond de", "في ظل": incident words after it are the story's background
    "relative",  # "which", "qui", "الذي": a clause about someone or somewhere the news names
    "toll_rise",  # "rose to", "est passé à": the figure after it updates the toll word before
    "event",
    "us",
    "killed",
    "wounded",
    "no_casualties",
    "no_killed",
    "casualties",  # killed or wounded alike ("casualties", "victimes", "ضحايا"): negated, none
    "no_toll",  # the toll is not known yet ("aucun bilan n'était disponible"): neither 0 nor a figure
    "claim",
    "blame",
    "people",  # generic victims ("people", "personnes"): civilians when no one else is named
    "source_before",  # a target word right after these is who speaks ("according to the police")
    "source_after",  # ... or right before these ("police said")
    "agent",  # a target word right after these is who acted ("wounded by security forces")
    "agent_exception",  # ... unless these precede the agent word ("used by the coalition")
    "agent_act",  # active verbs of attack: the target word right before them is the attacker
    "agent_act_before",  # ... or right after them, where the verb comes first ("قصفت القوات")
    "background",  # "a day after an attack killed two": what follows is an earlier event
    "after_act",  # "after": background when the sentence before it states its own act
    "aggregate",  # "since", "in total", "depuis", "منذ": figures near it sum several events
    "contrast",  # "while": the casualty figures on either side are separate groups, added
    "post",  # a security post or position, what an assault by gunmen is aimed at
    "operation",  # "counterterrorism operation", "عملية أمنية": deaths in it are violence
    "advance",  # "retake", "reprennent", "تستعيد": ground taken from armed men is a battle
    "state_person",  # "general", "commander": the state named before it is whose, not who struck
    "tyres",  # "tyres", "pneus", "الإطارات": set on fire, a protest's road block, not an attack
    "figure",  # "مفاجأة": the violence word right before it is a figure ("يفجر مفاجأة", an upset)
    "freed",  # "hostages", "تاجرا": an advance word right before them frees people, takes no ground
    "armed_men",  # "militants", "insurgés", "مسلحون": armed men no group name names
    "capture",  # "seize", "captured": ground taken when a place is the object ("seize Mosul")
    "given_name",  # "Hassan", "Ali": a place name right after one is a surname ("Hassan Ramadi")
    "speaks",  # "says", "dénonce", "تدين": a place right before one (in Arabic, or after one: "أدانت
    # بغداد") speaks for its government
)
# Sections that map a value to a list of terms (value, terms).
VALUED_SECTIONS = {
    "attack_types": "type",
    "targets": "target",
    "actors": "actor",
    "negative": "negative",
    # Acts too generic to name the attack when a weapon or a more precise act is given:
    # "gunmen", "an explosion" (the blast of a rocket, a bomb, a drone ...).
    "weak_attack_types": "type_weak",
    # Words that make the next place a landmark rather than the scene: "north of Baghdad"
    # (direction), "near Sulaymaniyah" (near), "fired from Dora" (launch).
    "place_reference": "place_ref",
}
TIME_SECTIONS = {
    "weekday": "weekday",
    "relative_day": "relday",
    "part_of_day": "part",
    "month": "month",
    "timezone": "tz",
}
TIME_FLAT = {"since": "since", "past_marker": "past"}


def _read_yaml(*parts: str) -> Any:
    path = resources.files(DATA_PACKAGE).joinpath("data", *parts)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError([f"extract data file {'/'.join(parts)}: {e}"]) from e


def merge(base: Any, extra: Any) -> Any:
    """Extend lists and merge mappings of ``extra`` into a copy of ``base``."""
    if isinstance(base, Mapping) and isinstance(extra, Mapping):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [v for v in extra if v not in base]
    return copy.deepcopy(extra)


def load_places(extra_places: Iterable[Mapping[str, Any]] = ()) -> list[Mapping[str, Any]]:
    """The gazetteer of Iraq and its neighbours, the generated world list (``world.json``, see
    :mod:`crawler.extract.worldgen`), then the user's places (a known id replaces an entry)."""
    path = resources.files(DATA_PACKAGE).joinpath("data", WORLD_FILE)
    try:
        world = json.loads(path.read_text(encoding="utf-8"))["places"]
    except (OSError, ValueError, KeyError) as e:
        raise ConfigError([f"extract data file {WORLD_FILE}: {e}"]) from e
    return list(_read_yaml("gazetteer.yaml")["places"]) + world + list(extra_places)


@dataclass(frozen=True)
class Numbers:
    """Number vocabulary of one language, keyed by folded words."""

    cardinal: dict[str, int]
    ordinal: dict[str, int]
    vague: dict[str, int]
    article: frozenset[str]
    joiner: frozenset[str]
    multiplier: frozenset[str]
    approximate: tuple[tuple[str, ...], ...]
    unknown: tuple[tuple[str, ...], ...]  # "several", "plusieurs": people, but no figure
    one_victim: tuple[tuple[str, ...], ...]  # "was killed" with no figure: one person
    group_joiner: tuple[
        tuple[str, ...], ...
    ]  # joins victim groups of one toll ("two soldiers and a civilian")
    person_one: frozenset[str]
    person_two: frozenset[str]
    # Verbs between a figure and its casualty word ("18 others were wounded"): no distance.
    auxiliary: frozenset[str]
    # Words around a running tally, compared token by token (too common for the automaton):
    tally_scope: frozenset[str]  # first word after a bare rank ("la 21e contre ...")
    tally_determiner: frozenset[str]  # last word before a definite count ("aucune des 19 ...")
    tally_times: frozenset[str]  # "attacked 66 times", "66 fois", "66 مرة"
    tally_at_least: tuple[tuple[str, ...], ...]  # a count's lower bound ("at least", "أكثر من")
    tally_beyond: tuple[tuple[str, ...], ...]  # a scope past Iraq's borders ("the region")


@dataclass(frozen=True)
class Vocabulary:
    """The lexicon of one language."""

    lang: str
    data: Mapping[str, Any]
    numbers: Numbers

    @property
    def locatives(self) -> frozenset[str]:
        """The folded words and phrases after which a place is a scene ("in", "près de", "في"):
        read before each place rather than matched, since they are in every sentence."""
        return frozenset(fold_term(str(t))[0] for t in self.data.get("locative") or ())

    def terms(self) -> list[tuple[str, Tag]]:
        """Every term of the lexicon with its tag, for the shared matcher."""
        pairs: list[tuple[str, Tag]] = []
        data = self.data
        for section in FLAT_SECTIONS:
            pairs += [(t, Tag("term", section, "", self.lang)) for t in data.get(section) or ()]
        for section, category in VALUED_SECTIONS.items():
            for value, terms in (data.get(section) or {}).items():
                pairs += [(t, Tag("term", category, str(value), self.lang)) for t in terms or ()]
        time = data.get("time") or {}
        for section, category in TIME_SECTIONS.items():
            for value, terms in (time.get(section) or {}).items():
                pairs += [(t, Tag("term", category, str(value), self.lang)) for t in terms or ()]
        for section, category in TIME_FLAT.items():
            pairs += [(t, Tag("term", category, "", self.lang)) for t in time.get(section) or ()]
        tally = data.get("tally") or {}
        pairs += [(t, Tag("term", "tally_noun", "", self.lang)) for t in tally.get("noun") or ()]
        pairs += [(t, Tag("term", "tally_claim", "", self.lang)) for t in tally.get("claim") or ()]
        return pairs


def _folded_words(terms: Iterable[Any]) -> dict[str, Any]:
    return {fold_term(str(t))[0]: t for t in terms}


def _numbers(section: Mapping[str, Any], tally: Mapping[str, Any]) -> Numbers:
    def valued(name: str) -> dict[str, int]:
        return {fold_term(str(k))[0]: int(v) for k, v in (section.get(name) or {}).items()}

    def words(name: str) -> frozenset[str]:
        return frozenset(_folded_words(section.get(name) or ()))

    def phrases(name: str, of: Mapping[str, Any] = section) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(w.split()) for w in _folded_words(of.get(name) or ()))

    return Numbers(
        cardinal=valued("cardinal"),
        ordinal=valued("ordinal"),
        vague=valued("vague"),
        article=words("article"),
        joiner=words("joiner"),
        multiplier=words("multiplier"),
        approximate=phrases("approximate"),
        unknown=phrases("unknown"),
        one_victim=phrases("one_victim"),
        group_joiner=phrases("group_joiner"),
        person_one=words("person_one"),
        person_two=words("person_two"),
        auxiliary=words("auxiliary"),
        tally_scope=frozenset(w.split()[0] for w in _folded_words(tally.get("scope") or ())),
        tally_determiner=frozenset(
            w.split()[-1] for w in _folded_words(tally.get("determiner") or ())
        ),
        tally_times=frozenset(_folded_words(tally.get("times") or ())),
        tally_at_least=phrases("at_least", tally),
        tally_beyond=phrases("beyond", tally),
    )


def load_vocabularies(extra_terms: Mapping[str, Any] | None = None) -> dict[str, Vocabulary]:
    """The lexicon of each language, with the user's extra terms merged in."""
    extra_terms = extra_terms or {}
    unknown = sorted(set(extra_terms) - set(LANGUAGES))
    if unknown:
        raise ConfigError([f"extract.extra_terms: unknown language(s) {', '.join(unknown)}"])
    vocabularies = {}
    for lang in LANGUAGES:
        data = merge(_read_yaml("lexicon", f"{lang}.yaml"), extra_terms.get(lang) or {})
        vocabularies[lang] = Vocabulary(
            lang, data, _numbers(data.get("numbers") or {}, data.get("tally") or {})
        )
    return vocabularies
