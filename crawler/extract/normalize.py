"""Text normalisation for matching French, English and Arabic wire copy.

Two layers, so that matches found in the folded text can be read back with their capitals:

* :func:`clean` is for reading: Unicode compatibility forms (NFKC), Arabic diacritics, tatweel
  and invisible marks removed, runs of white space collapsed to one space.
* :func:`fold` is for matching: same length as its input, one character for one character —
  lower case, Latin accents dropped, Arabic letter variants unified (alef forms, alef maqsura,
  ta marbuta, hamza seats, Persian/Kurdish letters), Arabic-Indic digits made ASCII, dashes made
  spaces and every apostrophe made ``'``. Because the length is kept, an offset in the folded text
  is the same offset in the cleaned text (used for "capitalised" checks and for quoting).

Also here: sentence spans. The dateline at the head of a dispatch is read by
:mod:`crawler.dateline`, matching itself in :mod:`crawler.extract.lexicon`.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(
    "[\u064b-\u065f\u0670\u0640\u00ad\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            table[code] = base.lower()
    # Letters without a decomposition: one character each, so the length is kept.
    for src, dst in {
        "œ": "e",
        "Œ": "e",
        "æ": "a",
        "Æ": "a",
        "ß": "s",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "İ": "i",
    }.items():
        table[ord(src)] = dst
    arabic = {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "ی": "ي",
        "ێ": "ي",
        "ە": "ه",
        "گ": "ك",
        "پ": "ب",
        "چ": "ج",
        "ڤ": "ف",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        "٫": ".",
        "٬": ",",
    }
    table.update({ord(k): v for k, v in arabic.items()})
    for i, digit in enumerate("٠١٢٣٤٥٦٧٨٩"):
        table[ord(digit)] = str(i)
    for i, digit in enumerate("۰۱۲۳۴۵۶۷۸۹"):
        table[ord(digit)] = str(i)
    for dash in "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        table[ord(dash)] = " "
    for quote in "\u2019\u2018\u02bc\u00b4`\u2032":
        table[ord(quote)] = "'"
    for quote in "\u00ab\u00bb\u201c\u201d\u201e":
        table[ord(quote)] = '"'
    return table


# Applied after str.lower(), as one regex over the characters that still need folding: on
# French or Arabic text this is several times faster than str.translate, whose per-character
# dictionary lookups leave its fast path as soon as the text is not ASCII.
_FOLD_AFTER_LOWER = {chr(k): v for k, v in _build_fold_table().items()}
_TO_FOLD = re.compile("[" + "".join(re.escape(c) for c in _FOLD_AFTER_LOWER) + "]")
# The one letter whose lower case is two characters ("i" and a combining dot).
_DOTTED_CAPITAL_I = "\u0130"


def clean(text: str) -> str:
    """Readable normal form: NFKC, no Arabic diacritics or invisible marks, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())  # str.split breaks on exactly what \s matches, faster


def fold(text: str) -> str:
    """Matching form of *cleaned* text; ``len(fold(t)) == len(t)``."""
    lowered = text.replace(_DOTTED_CAPITAL_I, "i").lower()
    return _TO_FOLD.sub(_fold_char, lowered)


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD_AFTER_LOWER[match.group()]


def normalize(text: str) -> str:
    """``fold(clean(text))``: what lexicon terms and gazetteer aliases are compared in."""
    return fold(clean(text))


ARABIC_ARTICLE = "ال"
# Quotation marks of the three languages' copy (and the apostrophe wires quote with).
QUOTE_MARKS = "\"'«»“”‘’"


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


# A sentence ends at . ! ? followed by a space, unless the dot closes a short abbreviation
# ("U.S.", "Lt.", "St.") or an English title or month ("Brig. Gen. Pat Ryder", "since Oct. 17",
# "Sept. 30", as American wires write them), or an Arabic initial (an agency's "(د. ب. أ)",
# "أ. ف. ب") — an upper-case letter, a digit or an Arabic letter must follow. The leading
# look-ahead lets the engine reject any other position at once, before the look-behinds.
_ENGLISH_ABBREVIATIONS = (
    "Gen", "Col", "Maj", "Sgt", "Cpl", "Pvt", "Adm", "Cmdr", "Capt", "Brig", "Lieut", "Rep",
    "Sen", "Gov", "Mrs", "Jan", "Feb", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
)  # fmt: skip
_SENTENCE_END = re.compile(
    r"(?=[.!?])(?<![A-Z]\.[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z])(?<![\s(][\u0621-\u064a])"
    + "".join(rf"(?<!\b{word})" for word in _ENGLISH_ABBREVIATIONS)
    + r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z\u00C0-\u00DE0-9\u0600-\u06ff])"
)


# Arabic papers often run several stories into one unpunctuated paragraph, turning from one to
# the next with a connective ("من جهة أخرى" on another front, "في سياق متصل" in a related
# development, "إلى ذلك" besides): a sentence starts at it, so that the first sentence tells one
# story and the next one's places and acts are not taken for the lead's.
_ARABIC_TURN = re.compile(
    r"(?<=\s)و?(?:"
    r"من (?:جهة|ناحية) [أا]خرى"
    r"|(?:في|على) (?:سياق|صعيد|شأن) (?:[آا]خر|منفصل|متصل)"
    r"|في غضون ذلك"
    r"|[إا]لى ذلك"
    r")(?!\w)"
)


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of cleaned ``text`` (always begins with 0)."""
    ends = {m.end() for m in _SENTENCE_END.finditer(text)}
    turns = {m.start() for m in _ARABIC_TURN.finditer(text)} if is_arabic(text) else set()
    return [0, *sorted((ends | turns) - {0})]
