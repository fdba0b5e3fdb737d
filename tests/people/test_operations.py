"""Users and their roles per competition."""

from __future__ import annotations

import pytest

from competition.errors import InvalidInput, NotPermitted
from competition.people.operations import create_user, grant_role
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


# --- importing users, revoking roles, deactivating --------------------------------------------

from pathlib import Path  # noqa: E402

from sqlalchemy import select  # noqa: E402

from competition.extensions import db  # noqa: E402
from competition.models import Membership, User  # noqa: E402
from competition.people.operations import (  # noqa: E402
    import_users,
    password_reset_token,
    revoke_role,
    set_user_active,
    user_for_reset_token,
)
from tests.factories import make_user  # noqa: E402


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def kota(app):
    competition = make_competition(name="Lomba Inovasi Kota 2026")
    make_organisation(competition.region, "Dinas Kesehatan").short_name = "Dinkes"
    make_organisation(competition.region, "Bappeda")
    db.session.commit()
    return competition


def test_import_users_creates_grants_and_invites(kota, tmp_path):
    existing = create_user(email="kabid@kota.go.id", name="Kabid", password="rahasia-123")
    invited = []
    path = write(tmp_path, "pengguna.csv",
                 "Email;Name;Organisation;Role\n"
                 "Operator.Dinkes@kota.go.id;Operator Dinkes;dinkes;submitter\n"
                 "verif@kota.go.id;Verifikator;Bappeda;verifier\n"
                 "\n"
                 "kabid@kota.go.id;Kabid;;judge\n"
                 "tamu@kota.go.id;Tamu;;\n")
    report = import_users(path, kota, invite=invited.append)
    assert [u.email for u in report.created] == ["operator.dinkes@kota.go.id", "verif@kota.go.id",
                                                  "tamu@kota.go.id"]
    assert report.roles_granted == ["kabid@kota.go.id: judge"]
    assert invited == report.created
    operator = db.session.scalar(select(User).where(User.email == "operator.dinkes@kota.go.id"))
    assert operator.organisation.name == "Dinas Kesehatan"
    assert {(m.user.email, m.role) for m in kota.memberships} == {
        ("operator.dinkes@kota.go.id", "submitter"), ("verif@kota.go.id", "verifier"),
        ("kabid@kota.go.id", "judge")}
    # Nobody knows the new accounts' passwords; the existing one keeps its own.
    assert not operator.check_password("")
    assert existing.check_password("rahasia-123")
    # Importing the same file again changes nothing.
    again = import_users(path, kota)
    assert again.created == [] and again.roles_granted == []
    assert len(again.unchanged) == 4


def test_import_users_is_all_or_nothing_with_every_bad_row_named(kota, tmp_path):
    path = write(tmp_path, "pengguna.csv",
                 "email,name,organisation,role\n"
                 "baik@kota.go.id,Baik,Bappeda,verifier\n"
                 "bukan-surel,Salah,Bappeda,\n"
                 "baik@kota.go.id,Lagi,Bappeda,\n"
                 "x@kota.go.id,,Dinas Entah,bupati\n"
                 "y@kota.go.id,Y,,submitter\n")
    with pytest.raises(InvalidInput) as caught:
        import_users(path, kota)
    assert caught.value.problems == [
        "pengguna.csv row 3: email: 'bukan-surel' is not an e-mail address",
        "pengguna.csv row 4: baik@kota.go.id already appears in row 2",
        "pengguna.csv row 5: name: must not be empty",
        f"pengguna.csv row 5: organisation: 'Dinas Entah' is not an OPD of {kota.region.name}",
        "pengguna.csv row 5: role: 'bupati' is not one of Organiser, Verifier, Judge, OPD operator",
        "pengguna.csv row 6: role: a submitter needs an organisation",
    ]
    assert db.session.scalar(select(User.id).where(User.email == "baik@kota.go.id")) is None


def test_import_users_refuses_moving_a_known_user_to_another_opd(kota, tmp_path):
    dinkes = next(o for o in kota.region.organisations if o.name == "Dinas Kesehatan")
    create_user(email="op@kota.go.id", name="Op", password="rahasia-123", organisation=dinkes)
    path = write(tmp_path, "u.csv", "email,name,organisation\nop@kota.go.id,Op,Bappeda\n")
    with pytest.raises(InvalidInput, match="row 2: op@kota.go.id is registered already with another"):
        import_users(path, kota)


def test_import_users_needs_its_columns(kota, tmp_path):
    path = write(tmp_path, "u.csv", "surel,nama\na@b.id,A\n")
    with pytest.raises(InvalidInput, match=r"u.csv row 1: the columns must be email, name, organisation, "
                                           r"role \(email, name required\); unknown: surel, nama"):
        import_users(path, kota)


def test_revoking_roles_keeps_an_organiser(kota):
    first = make_user(kota, "organiser", "judge")
    judge = next(m for m in first.memberships if m.role == "judge")
    revoke_role(judge, first)
    assert [m.role for m in first.memberships] == ["organiser"]
    own = first.memberships[0]
    with pytest.raises(InvalidInput, match="cannot remove your own organiser role"):
        revoke_role(own, first)
    second = make_user(kota, "organiser")
    revoke_role(own, second)
    assert db.session.scalar(select(Membership).where(Membership.user_id == first.id)) is None
    with pytest.raises(InvalidInput, match="is not an organiser of Lomba Inovasi Kota 2026"):
        revoke_role(second.memberships[0], make_user())   # only an organiser takes roles away
    assert [m.role for m in second.memberships] == ["organiser"]


def test_deactivating_and_reactivating(kota):
    organiser, operator = make_user(kota, "organiser"), make_user(kota, "judge")
    set_user_active(operator, False, organiser)
    assert not operator.active and not operator.is_active
    set_user_active(operator, True, organiser)
    assert operator.active
    with pytest.raises(InvalidInput, match="cannot deactivate your own account"):
        set_user_active(organiser, False, organiser)
    assert organiser.active
    stranger = make_user()                     # no role in the organiser's competitions, no OPD there
    with pytest.raises(NotPermitted, match="may not manage the account of"):
        set_user_active(stranger, False, organiser)
    assert stranger.active


def test_invitation_and_reset_tokens_do_not_stand_in_for_each_other(kota):
    user = make_user()
    invitation = password_reset_token(user, purpose="invitation")
    assert user_for_reset_token(invitation, purpose="invitation") == user
    assert user_for_reset_token(invitation) is None
    assert user_for_reset_token(password_reset_token(user), purpose="invitation") is None
