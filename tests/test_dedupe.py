"""Fingerprints and near-duplicate signatures (pure)."""

from __future__ import annotations

import pytest

from crawler import dedupe

DISPATCH = (
    "Several rockets struck early on Sunday near the US embassy in Baghdad, a security source"
    " said, in the nineteenth attack on American interests in Iraq in nearly four months."
    " Sirens sounded inside the compound and no casualties were reported."
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("BAGHDAD, Feb 16 (AFP) - Rockets hit.", "Rockets hit"),
        ("BAGDAD, 16 fév 2020 (AFP) - Des roquettes", "des roquettes"),
        ("URGENT Irak: roquettes à Bagdad", "irak roquettes a bagdad"),
        ("Élysée  condamne   l'attaque", "elysee condamne l attaque"),
        ("إطلاق صواريخ على السفارة الأمريكية", "اطلاق صواريخ علي السفاره الامريكيه"),
        ("صَوَارِيخ", "صواريخ"),
    ],
)
def test_normalisation_folds_form_and_boilerplate(left, right):
    assert dedupe.normalise_text(left) == dedupe.normalise_text(right)


def _fingerprint(title: str, text: str) -> str:
    return dedupe.fingerprint(dedupe.normalised_article(title, text))


def test_fingerprint_ignores_form_but_not_words():
    assert _fingerprint("Rockets hit Baghdad", DISPATCH) == _fingerprint(
        "ROCKETS HIT BAGHDAD!", "BAGHDAD (Reuters) - " + DISPATCH.upper()
    )
    assert _fingerprint("Rockets hit Baghdad", DISPATCH) != _fingerprint(
        "Rockets hit Basra", DISPATCH
    )


def test_an_edited_reprint_is_a_near_duplicate():
    edited = DISPATCH.replace("a security source said", "a source told reporters")
    first = dedupe.signature(dedupe.normalised_article("Rockets", DISPATCH))
    second = dedupe.signature(dedupe.normalised_article("Rockets", edited))
    assert set(first.bands) & set(second.bands)  # found by the band index
    same, similarity = dedupe.is_near_duplicate(second, first.values, first.words, 0.6)
    assert same and 0.6 <= similarity < 1.0


def test_another_text_on_the_same_event_is_not_a_near_duplicate():
    other = (
        "The US embassy compound in Baghdad came under rocket fire overnight, officials said,"
        " the latest in a string of attacks blamed on armed factions; no one was hurt."
    )
    first = dedupe.signature(dedupe.normalised_article("Rockets", DISPATCH))
    second = dedupe.signature(dedupe.normalised_article("Rockets", other))
    assert not dedupe.is_near_duplicate(second, first.values, first.words, 0.8)[0]


def test_short_texts_and_different_lengths_are_kept_apart():
    short = dedupe.signature("rockets hit baghdad")
    assert not short.usable
    assert not dedupe.is_near_duplicate(short, short.values, short.words, 0.8)[0]
    long = dedupe.signature(dedupe.normalise_text(DISPATCH + " " + DISPATCH))
    base = dedupe.signature(dedupe.normalise_text(DISPATCH))
    assert not dedupe.is_near_duplicate(long, base.values, base.words, 0.5)[0]


def test_signatures_are_stable_across_calls():
    text = dedupe.normalise_text(DISPATCH)
    assert dedupe.signature(text) == dedupe.signature(text)
    assert len(dedupe.signature(text).values) == dedupe.NUM_PERM * 4
    assert len(dedupe.signature(text).bands) == dedupe.BANDS


def test_signatures_equal_datasketch_minhash_value_for_value():
    """The signature wirewatch computes is datasketch's affine32 MinHash (stored signatures
    depend on it); datasketch itself stays out of the daemon (it imports SciPy)."""
    from datasketch import MinHash

    from crawler.dedupe import MINHASH_SEED, NUM_PERM, minhash_values

    texts = [
        "",
        "one",
        "des roquettes sont tombees pres de l ambassade americaine a bagdad",
        "سقوط صواريخ قرب السفارة الأميركية في بغداد " * 20,
    ] + [f"dispatch number {n} about an attack near a base in anbar" for n in range(50)]
    for text in texts:
        words = text.split()
        shingles = [" ".join(words[i : i + 3]).encode() for i in range(max(1, len(words) - 2))]
        reference = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")
        reference.update_batch(shingles)
        assert minhash_values(shingles).tolist() == reference.hashvalues.tolist()
