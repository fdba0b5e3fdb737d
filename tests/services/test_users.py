"""Users and their roles per competition."""

from __future__ import annotations

import pytest

from competition.errors import InvalidInput
from competition.services.users import create_user, grant_role
from tests.factories import make_competition, make_organisation


def test_create_user_normalises_the_email(app):
    user = create_user(email="  Operator@Kedirikota.GO.ID ", name="Operator", password="rahasia-123")
    assert user.email == "operator@kedirikota.go.id"
    assert user.check_password("rahasia-123") and not user.check_password("rahasia-124")


def test_duplicate_email_is_refused(app):
    create_user(email="a@kedirikota.go.id", name="A", password="rahasia-123")
    with pytest.raises(InvalidInput, match="email: a@kedirikota.go.id is already registered"):
        create_user(email="A@kedirikota.go.id", name="B", password="rahasia-123")


def test_grant_role_is_idempotent_and_checked(app):
    competition = make_competition()
    organisation = make_organisation(competition.region)
    user = create_user(email="op@kedirikota.go.id", name="Op", password="rahasia-123",
                       organisation=organisation)
    first = grant_role(user, competition, "submitter")
    assert grant_role(user, competition, "submitter").id == first.id
    with pytest.raises(InvalidInput, match="role: 'bupati' is not one of organiser, verifier"):
        grant_role(user, competition, "bupati")
    loner = create_user(email="juri@univ.ac.id", name="Juri", password="rahasia-123")
    with pytest.raises(InvalidInput, match="has no organisation, so cannot submit"):
        grant_role(loner, competition, "submitter")
