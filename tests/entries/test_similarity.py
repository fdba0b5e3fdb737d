"""The near-duplicate check on narratives: hand-counted examples and the warning on the page."""

from __future__ import annotations

import pytest

from competition.entries.operations import near_duplicates
from competition.entries.similarity import shingles, similarity
from tests.factories import PASSWORD, make_competition, make_entry, make_organisation, make_user, words


def test_shingles_ignore_case_and_punctuation():
    assert shingles("Warga, datang ke Kantor; tanpa antre!", size=3) == {
        ("warga", "datang", "ke"), ("datang", "ke", "kantor"), ("ke", "kantor", "tanpa"),
        ("kantor", "tanpa", "antre")}


def test_similarity_by_hand():
    # Six words give two 5-word runs each; one run in common out of three distinct: 1/3.
    assert similarity("a b c d e f", "a b c d e g") == pytest.approx(1 / 3)
    assert similarity("a b c d e f", "A, b; c d e f.") == 1.0
    assert similarity("satu dua", "satu dua") == 0.0   # too short to judge


def test_near_duplicates_in_one_competition(app):
    competition = make_competition()
    own, other = make_organisation(competition.region), make_organisation(competition.region)
    text = words(320, "pelayanan")
    original = make_entry(competition, other, rancang_bangun=text)
    copy = make_entry(competition, own, rancang_bangun=text + " ditambah satu kalimat penutup saja")
    make_entry(competition, own, rancang_bangun=words(320, "kesehatan"))
    make_entry(make_competition(competition.region), other, rancang_bangun=text)   # another competition
    [(found, score)] = near_duplicates(copy)
    assert found.id == original.id and score > 0.9


def test_the_warning_never_names_another_opds_innovation(client, app):
    competition = make_competition()
    own, other = make_organisation(competition.region), make_organisation(competition.region)
    operator = make_user(competition, "submitter", organisation=own)
    text = words(320, "pelayanan")
    make_entry(competition, other, title="Rahasia OPD lain", rancang_bangun=text)
    copy = make_entry(competition, own, title="Salinan", rancang_bangun=text)
    client.post("/login", data={"email": operator.email, "password": PASSWORD})
    page = client.get(f"/innovations/{copy.id}").get_data(as_text=True)
    assert "100% mirip dengan inovasi lain" in page
    assert "Rahasia OPD lain" not in page
