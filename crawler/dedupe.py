"""Article fingerprints for deduplication: normalised text, content hash, MinHash signature, bands.

Three layers decide that two articles are one, from the cheapest to the fuzziest (the pipeline
asks them in this order and stops at the first that answers):

1. the same canonical URL (:func:`crawler.urls.canonical_url`; re-publication inside one feed is
   already folded by ``Store.upsert_entries`` on (feed, guid));
2. the same :func:`fingerprint`: a hash of the title and text after :func:`normalise_text`, so
   that a reprint differing only in case, accents, Arabic spelling variants, punctuation,
   whitespace or wire boilerplate (``BAGHDAD, Feb 16 (AFP) -``) compares equal;
3. near-identical text: a MinHash signature of word shingles, cut into :data:`BANDS` bands whose
   hashes are stored in the indexed ``minhash_bands`` table (locality-sensitive hashing kept in
   SQLite rather than in datasketch's in-memory ``MinHashLSH``, which costs ~350 MB per 100,000
   articles). The signature is datasketch's MinHash ("affine32" scheme), computed here
   (:func:`minhash_values`) rather than imported: datasketch's package imports SciPy for LSH
   classes wirewatch never uses (45 MB in a daemon of 120), and a release changing its default
   scheme (as 2.0 did) must not change the signatures already stored; tests/test_dedupe.py checks
   it value for value against datasketch. A band collision is only a candidate:
   :func:`is_near_duplicate` confirms it with the estimated Jaccard similarity and similar
   lengths. When in doubt, both articles are kept apart.

Everything here is pure: this module computes, ``crawler.storage`` stores and looks up, and
``crawler.pipeline`` links a duplicate to the first article it copies.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

# The signature that decides has 64 values: the estimate's standard error at J=0.8 is ~0.05,
# enough for a yes/no at 0.8 (128 would double the cost for little). Only its first 32 values,
# cut into 8 bands of 4 rows, are indexed to find candidates: every stored band is a random leaf
# of an on-disk index, written at the article's commit (16 bands were over a third of the pages
# each processed article wrote, bench/pipeline.py). Two texts with Jaccard 0.9 collide in at
# least one band with probability 1-(1-0.9**4)**8 = 0.9998, with 0.8: 0.985, with 0.2: 1.3 % (then
# rejected by the Jaccard check). Band i is values 4i..4i+3, as in the former 16-band index, so
# bands stored before still answer.
NUM_PERM = 64
ROWS_PER_BAND = 4
BANDS = 8
MINHASH_SEED = 1  # fixed: signatures stored today must compare with those computed tomorrow

# Words per shingle: 3-word shingles survive a changed word or two in a 100-word dispatch while
# two different dispatches about the same kind of event share few of them.
SHINGLE_WORDS = 3
# Below this many words a text is a headline or a flash: too short for a Jaccard estimate to
# tell "the same text, edited" from "a different text on the same event". Exact hash only.
MIN_WORDS_FOR_NEAR_DUPLICATE = 12
# How much of a body two articles are compared on: a copy is a copy from its first paragraphs
# (and normalising a 20,000-character feature was most of its processing).
COMPARED_CHARS = 2000
# The words a signature is computed from: a copy shows in its first paragraphs, and hashing
# every shingle of a 3,000-word feature cost more than the rest of its processing. (Texts up to
# this length keep the signature they always had.)
SIGNATURE_WORDS = 150
# Successive versions of one dispatch grow; a reprint is about the same length. Two texts whose
# lengths (in words) differ more than this ratio are not near-duplicates whatever the estimate.
MIN_LENGTH_RATIO = 0.75

# Wire boilerplate that outlets add, drop or reword when they reprint a dispatch.
_AGENCIES = r"AFP|Reuters|AP|Associated Press|AA|Xinhua|ANSA|dpa|DPA|KUNA|INA|Rudaw|أ ف ب|رويترز"
_DATELINE = re.compile(
    # "BAGHDAD, Feb 16, 2020 (AFP) -", "BAGDAD, 16 fév 2020 (AFP) -", "بغداد (أ ف ب) -"
    rf"^[^\n()]{{0,60}}?\((?:{_AGENCIES})\)\s*[-–—:]?\s*",
    re.IGNORECASE,
)
_AGENCY_TAG = re.compile(rf"\((?:{_AGENCIES})\)", re.IGNORECASE)
_FLASH_PREFIX = re.compile(r"^\s*(?:URGENT|BREAKING|FLASH|UPDATE \d+|عاجل)\s*[-:–—]?\s*", re.I)
# Accents left apart by NFKD (Latin), Arabic harakat, Quranic marks and the tatweel.
_COMBINING_MARKS = re.compile(
    r"[\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F"
    r"\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]"
)
# Replaced one by one: str.translate() with a table of non-Latin-1 characters looks every
# character of the text up in a dict, fifteen times slower on a 2,000-character article.
_ARABIC_VARIANTS = (
    ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"), ("ؤ", "و"), ("ئ", "ي"),
)  # fmt: skip
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Signature:
    """A text's MinHash signature, its band hashes and its length in words."""

    values: bytes  # NUM_PERM little-endian uint32
    bands: tuple[int, ...]  # BANDS signed 64-bit hashes, one per band
    words: int

    @property
    def usable(self) -> bool:
        """Is the text long enough for near-duplicate detection?"""
        return self.words >= MIN_WORDS_FOR_NEAR_DUPLICATE


def strip_boilerplate(text: str) -> str:
    """Remove a leading flash marker, a leading dateline with agency tag, and agency tags."""
    text = _FLASH_PREFIX.sub("", text)
    text = _DATELINE.sub("", text.lstrip(), count=1)
    return _AGENCY_TAG.sub(" ", text)


def normalise_text(text: str) -> str:
    """Fold case, accents, Arabic variants, punctuation, whitespace and wire boilerplate."""
    text = strip_boilerplate(text)
    if not text.isascii():
        text = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))
        for variant, letter in _ARABIC_VARIANTS:
            text = text.replace(variant, letter)
    return _NON_WORD.sub(" ", text.casefold()).strip()


def normalised_article(title: str, text: str) -> str:
    """The normalised words of an article: title then the body's first :data:`COMPARED_CHARS`
    characters (each stripped of boilerplate)."""
    return f"{normalise_text(title)} {normalise_text(text[:COMPARED_CHARS])}".strip()


def fingerprint(normalised: str) -> str:
    """Hash of a :func:`normalised_article`: equal for reprints that differ only in form."""
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


def signature(normalised: str) -> Signature:
    """MinHash signature and LSH band hashes of an already normalised text: the shingles of
    its first :data:`SIGNATURE_WORDS` words, and its length in words."""
    words = normalised.split()
    head = words[:SIGNATURE_WORDS]
    shingles = {
        " ".join(head[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(max(1, len(head) - SHINGLE_WORDS + 1))
    }
    values = minhash_values(shingles).astype("<u4")
    return Signature(values=values.tobytes(), bands=_band_hashes(values), words=len(words))


def minhash_values(items: Iterable[bytes]) -> np.ndarray:
    """The MinHash of a set of byte strings: :data:`NUM_PERM` uint32 values, equal to
    ``datasketch.MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")`` updated
    with the same items. Each item's hash (the first 4 bytes of its SHA-1, little-endian) is
    mixed once with the MurmurHash3 finalizer, then permuted with ``a * h + b mod 2**32``."""
    hashes = [int.from_bytes(hashlib.sha1(item).digest()[:4], "little") for item in items]
    values = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    if not hashes:
        return values
    mixed = np.array(hashes, dtype=np.uint32).reshape(-1, 1)
    mixed ^= mixed >> np.uint32(16)
    mixed *= np.uint32(0x85EBCA6B)
    mixed ^= mixed >> np.uint32(13)
    mixed *= np.uint32(0xC2B2AE35)
    mixed ^= mixed >> np.uint32(16)
    multipliers, offsets = _PERMUTATIONS
    return np.minimum(values, (mixed * multipliers + offsets).min(axis=0))


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """Share of equal MinHash values: the estimated Jaccard similarity of the two shingle sets."""
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(left == right)) / NUM_PERM


def is_near_duplicate(
    new: Signature, old_values: bytes, old_words: int, threshold: float
) -> tuple[bool, float]:
    """Confirm an LSH candidate: (decision, estimated Jaccard). Conservative by design."""
    if not new.usable or old_words < MIN_WORDS_FOR_NEAR_DUPLICATE:
        return False, 0.0
    if min(new.words, old_words) / max(new.words, old_words) < MIN_LENGTH_RATIO:
        return False, 0.0
    similarity = estimated_jaccard(new.values, old_values)
    return similarity >= threshold, similarity


def _band_hashes(values: np.ndarray) -> tuple[int, ...]:
    hashes = []
    for band in range(BANDS):
        chunk = values[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        hashes.append(int.from_bytes(digest, "little", signed=True))  # fits SQLite INTEGER
    return tuple(hashes)


def _affine_permutations(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations: odd multipliers (a bijection on 32 bits), offsets."""
    draw = np.random.RandomState(seed)
    multipliers = draw.randint(0, 1 << 31, count, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    offsets = draw.randint(0, 1 << 32, count, dtype=np.uint32)
    return multipliers, offsets


# Built once: drawing the permutations costs more than hashing a short article.
_PERMUTATIONS = _affine_permutations(NUM_PERM, MINHASH_SEED)
