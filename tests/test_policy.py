"""The policy module is the only place that decides who may do what, and conflicts of interest.

Every route of the app, with every method it takes, is requested by a signed-in judge of the demo
(someone with a little access, so most pages refuse): each request that is not open to everyone
must ask competition/policy.py. Every command either acts for a person, and then asks the policy
(through the operation it calls), or is the server administrator's own. And nothing outside the
policy module reads roles or the organisation tree to decide by itself.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from flask import Flask
from sqlalchemy import select

from competition import policy
from competition.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from competition.extensions import db
from competition.models import (
    Assignment,
    Award,
    Category,
    Competition,
    Criterion,
    Entry,
    Evidence,
    Membership,
    Notification,
    User,
)
from competition.people.operations import password_reset_token
from tests.web.test_authorisation_matrix import request_body

POLICY_FILE = Path(policy.__file__).resolve()
SOURCE = POLICY_FILE.parent
MENU_FILE = SOURCE / "web" / "__init__.py"  # the menu asks the policy on every page
INNOVATIONS_TEMPLATE = SOURCE.parent / "docs" / "examples" / "innovations-template.csv"

# Pages open to everyone, or about the signed-in person's own account and notifications alone.
OPEN = {
    "static", "bootstrap.static", "public.index", "public.competition", "public.results",
    "auth.login", "auth.logout", "auth.language", "auth.forgot_password", "auth.reset_password",
    "auth.welcome", "auth.password", "notifications.index", "notifications.mark_read",
    "health.healthz", "health.readyz", "tokens.index", "tokens.revoke",
    "api-docs.openapi_json", "api_docs.docs", "api_published.published",
    # The API's own account, notifications and tokens: the token's owner's alone.
    "api_people.me", "api_notifications.notifications", "api_notifications.mark_read",
    "api_tokens.tokens", "api_tokens.revoke",
    # Reference data the same for everyone signed in: the rubric templates and band presets.
    "api_rounds.templates", "api_awards.band_presets", "api_competitions.workflows",
}
# Answers 503 by design while the database is not at the migrations' head (as the demo, made
# by create_all, is not): not a server error.
NOT_READY = {"health.readyz"}

# Commands of the server's administrator: no person acts, so there is nobody to ask about.
ADMINISTRATOR_COMMANDS = {
    "db", "demo", "import-organisations", "create-user", "workflow list", "workflow show", "status",
    "competition create", "mail send", "mail remind", "results compute", "results verify",
    "results history", "results export", "results certificates", "results agreement", "judging progress",
    "judging import-scores", "serve", "audit verify", "jobs tick", "worker",
    # For the account named by e-mail, at the server; the OpenAPI document, as /api/v1/openapi.json.
    "tokens create", "tokens list", "tokens revoke",
    "openapi print", "openapi write", "openapi list-config-prefixes",
    "export-competition", "import-competition", "backup", "restore",
    "round show", "awards list",
    "innovations list", "assignments list", "users import",
    # The whole region's IID rehearsal, as the organisers see it (``iid show --as`` as that person).
    "iid show", "iid export",
}


@contextmanager
def policy_calls() -> Iterator[list[str]]:
    """The names of the policy functions called meanwhile (but for the menu's)."""
    calls: list[str] = []

    def profile(frame, event, arg):
        if event == "call" and Path(frame.f_code.co_filename) == POLICY_FILE:
            caller = frame.f_back
            if caller is not None and Path(caller.f_code.co_filename) != MENU_FILE:
                calls.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def demo_values() -> dict[str, object]:
    """A value of the demo for each argument a route takes."""
    this_year = db.session.scalar(select(Competition).order_by(Competition.year.desc()))
    judge = db.session.scalar(select(User).where(User.email == f"judge@{EMAIL_DOMAIN}"))
    operator = db.session.scalar(select(User).where(User.email == f"submitter@{EMAIL_DOMAIN}"))
    assignment = db.session.scalar(select(Assignment).where(Assignment.judge_id == judge.id)
                                   .order_by(Assignment.id))
    entry = db.session.scalar(select(Entry).where(Entry.competition_id == this_year.id,
                                                  Entry.status == "submitted").order_by(Entry.id))
    return {
        "competition_id": this_year.id, "source_id": this_year.id, "entry_id": entry.id,
        "user_id": operator.id,
        "assignment_id": assignment.id, "round_id": assignment.round_id, "version": 1,
        "assigned_entry_id": assignment.entry_id,
        "award_id": db.session.scalar(select(Award.id).order_by(Award.id)),
        "category_id": db.session.scalar(select(Category.id).order_by(Category.id)),
        "criterion_id": db.session.scalar(select(Criterion.id).where(
            Criterion.round_id == assignment.round_id).order_by(Criterion.id)),
        "evidence_id": db.session.scalar(select(Evidence.id).order_by(Evidence.id)),
        "membership_id": db.session.scalar(select(Membership.id).where(
            Membership.user_id == operator.id).order_by(Membership.id)),
        "notification_id": db.session.scalar(select(Notification.id).where(
            Notification.user_id == operator.id).order_by(Notification.id)),
        "token": password_reset_token(operator), "trigger": "verify", "figure": "entries",
        "kind": "csv", "file_format": "csv", "filename": "favicon.svg", "document": "certificates",
        "job_id": 1, "token_id": 1,
    }


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule, with the demo's values filled in."""
    values = demo_values()
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            missing = sorted(set(rule.arguments) - set(values))
            assert not missing, f"give {rule.endpoint} ({rule.rule}) demo values for {missing}"
            url = adapter.build(rule.endpoint, {a: values[a] for a in rule.arguments})
            found.append((rule.endpoint, method, url))
    return found


def test_every_route_that_is_not_open_to_all_asks_the_policy(demo_app):
    routes_seen = routes(demo_app)
    client = demo_app.test_client()
    response = client.post("/login", data={"email": f"judge@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    silent = []
    for endpoint, method, url in routes_seen:
        if endpoint in OPEN:
            continue
        with policy_calls() as calls:
            response = client.open(url, method=method, **request_body(endpoint))
        assert response.status_code < 500, (endpoint, method, url, response.status_code)
        if not calls:
            silent.append(f"{method} {url} ({endpoint}) answered {response.status_code}")
    assert silent == []
    assert {endpoint for endpoint, _, _ in routes_seen} >= OPEN - {"bootstrap.static"}


@pytest.mark.parametrize("role", ["organiser", "verifier", "judge", "submitter"])
def test_no_page_read_with_get_writes_to_the_database(demo_app, role):
    """Reading a page changes nothing: every GET route, for each role of the demo, runs no
    INSERT, UPDATE or DELETE."""
    from sqlalchemy import event

    routes_seen = [(endpoint, url) for endpoint, method, url in routes(demo_app)
                   if method == "GET" and endpoint not in ("static", "bootstrap.static")]
    client = demo_app.test_client()
    response = client.post("/login", data={"email": f"{role}@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(f"{current}: {' '.join(statement.split()[:3])}")

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for current, url in routes_seen:
            with client.get(url) as response:
                status = response.status_code
                assert status < 500 or current in NOT_READY, (current, url, status)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert writes == []


def command_names(group: click.Group, prefix: str = "") -> set[str]:
    names = set()
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if full == "db":
            names.add(full)
        elif isinstance(command, click.Group):
            names |= command_names(command, f"{full} ")
        else:
            names.add(full)
    return names


# Commands that act for a person, with demo arguments; each must ask the policy.
PERSON_COMMANDS = {
    "api": ["PATCH", "/innovations/{entry_id}", "--data", '{{"title": "x"}}', "--if-match", '"1"',
            "--as", "judge@" + EMAIL_DOMAIN],
    "competition phase": ["{competition_id}", "open_submissions", "--as", "organiser@" + EMAIL_DOMAIN],
    "competition units": ["{competition_id}", "parent", "--as", "judge@" + EMAIL_DOMAIN],
    "competition clone": ["{competition_id}", "--name", "Salinan", "--year", "2030", "--opens", "2030-02-01",
                          "--closes", "2030-03-01", "--verification-closes", "2030-04-01",
                          "--judging-closes", "2030-05-01", "--as", "judge@" + EMAIL_DOMAIN],
    "entry fire": ["{entry_id}", "--trigger", "verify", "--as", "judge@" + EMAIL_DOMAIN],
    "innovations import": ["{competition_id}", str(INNOVATIONS_TEMPLATE), "--as", "judge@" + EMAIL_DOMAIN],
    "judging add-round": ["{competition_id}", "--name", "Babak uji", "--as", "judge@" + EMAIL_DOMAIN],
    "judging add-criterion": ["{round_id}", "--name", "Uji", "--weight", "1", "--as",
                              "judge@" + EMAIL_DOMAIN],
    "judging add-panel": ["{round_id}", "--name", "Panel uji", "--judge", "judge@" + EMAIL_DOMAIN,
                          "--as", "judge@" + EMAIL_DOMAIN],
    "judging assign": ["{round_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "jobs schedule": ["{competition_id}", "--close-submissions", "--as", "judge@" + EMAIL_DOMAIN],
    "judging open-round": ["{round_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "judging close-round": ["{round_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "judging declare-conflict": ["{entry_id}", "--judge", "judge@" + EMAIL_DOMAIN, "--reason", "Uji"],
    "judging reopen": ["{round_id}", "{assigned_entry_id}", "--judge", "judge@" + EMAIL_DOMAIN,
                       "--reason", "Uji", "--as", "judge@" + EMAIL_DOMAIN],
    "judging reopen-round": ["{round_id}", "--reason", "Uji", "--as", "judge@" + EMAIL_DOMAIN],
    "results add-award": ["{competition_id}", "--name", "Uji", "--as", "judge@" + EMAIL_DOMAIN],
    "awards add": ["{competition_id}", "--name", "Uji", "--as", "judge@" + EMAIL_DOMAIN],
    "awards edit": ["{award_id}", "--positions", "3", "--as", "judge@" + EMAIL_DOMAIN],
    "awards order": ["{competition_id}", "--order", "{award_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "awards remove": ["{award_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "competition rules": ["{competition_id}", "--no-one-award-per-opd", "--as", "judge@" + EMAIL_DOMAIN],
    "results decide-tie": ["{competition_id}", "--order", "1,2", "--reason", "Uji", "--as",
                           "judge@" + EMAIL_DOMAIN],
    "results seal": ["{competition_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "results publish": ["{competition_id}", "--as", "judge@" + EMAIL_DOMAIN],
    "iid claim": ["{entry_id}", "--level", "regulasi=1", "--as", "judge@" + EMAIL_DOMAIN],
    "iid verify": ["{entry_id}", "--level", "regulasi=0", "--note", "regulasi=Uji", "--as",
                   "judge@" + EMAIL_DOMAIN],
    "iid region": ["{competition_id}", "--level", "spd_1a=2", "--as", "judge@" + EMAIL_DOMAIN],
    "results certificate-settings": ["{competition_id}", "--place", "Kediri", "--as",
                                     "judge@" + EMAIL_DOMAIN],
}


def test_every_command_is_either_the_administrators_or_asks_the_policy(demo_app):
    names = command_names(demo_app.cli)
    assert names == ADMINISTRATOR_COMMANDS | set(PERSON_COMMANDS), \
        "a new command needs a row in ADMINISTRATOR_COMMANDS or PERSON_COMMANDS"
    values = demo_values()
    runner = demo_app.test_cli_runner()
    silent = []
    for name, template in sorted(PERSON_COMMANDS.items()):
        args = [*name.split(), *(a.format(**values) for a in template)]
        with policy_calls() as calls:
            result = runner.invoke(args=args)
        if not calls:
            silent.append(f"{' '.join(args)} -> {result.exit_code}: {result.output.strip()[:200]}")
    assert silent == []


DECIDING = ("roles_in", "organisation_conflict")


def role_compared(node: ast.AST) -> bool:
    """``membership.role == "judge"`` and the like (but not ``Membership.role == ...`` in a query,
    which selects people by role: data, not a decision)."""
    return isinstance(node, ast.Compare) and any(
        isinstance(side, ast.Attribute) and side.attr == "role"
        and not (isinstance(side.value, ast.Name) and side.value.id == "Membership")
        for side in (node.left, *node.comparators))


def test_nothing_outside_the_policy_reads_roles_or_the_organisation_tree_to_decide():
    """Outside competition/policy.py no code calls roles_in or organisation_conflict, nor compares
    a membership's role (queries that select people by role are data, and allowed)."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == POLICY_FILE or path.parent.name == "judging" and path.name == "conflicts.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in DECIDING:
                    found.append(f"{path.relative_to(SOURCE.parent)}:{node.lineno} {name}()")
            if role_compared(node):
                found.append(f"{path.relative_to(SOURCE.parent)}:{node.lineno} compares a role")
    assert found == []


@pytest.mark.parametrize("relation", ["same", "above", "below", "elsewhere", "none"])
def test_conflicts_of_interest_follow_the_organisation_tree(app, relation):
    from tests.factories import make_competition, make_entry, make_organisation, make_user

    competition = make_competition()
    dinkes = make_organisation(competition.region, "Dinas Kesehatan")
    puskesmas = make_organisation(competition.region, "Puskesmas Ngletih", parent=dinkes)
    kominfo = make_organisation(competition.region, "Dinas Kominfo")
    entry = make_entry(competition, puskesmas)
    where = {"same": puskesmas, "above": dinkes, "below": None, "elsewhere": kominfo, "none": None}[relation]
    if relation == "below":
        where = make_organisation(competition.region, "Pustu Ngletih", parent=puskesmas)
    judge = make_user(competition, "judge", organisation=where)
    conflict = policy.conflict_of_interest(judge, entry)
    if relation in ("elsewhere", "none"):
        assert conflict is None and not policy.is_conflicted(judge, entry)
    else:
        assert conflict is not None and conflict.kind == "organisation" and conflict.relation == relation
        assert policy.is_conflicted(judge, entry)


@pytest.mark.parametrize("judge_at", ["dinkes", "puskesmas", "pustu", "kominfo", "none"])
def test_the_conflict_condition_on_entries_agrees_with_is_conflicted(app, judge_at):
    """:func:`policy.without_conflict` (for queries) keeps exactly the entries
    :func:`policy.is_conflicted` allows: not the judge's organisation, nor one above it, nor one
    below it however deep, nor one the judge declared a conflict with."""
    from competition.models import ConflictOfInterest, Entry
    from tests.factories import make_competition, make_entry, make_organisation, make_user

    competition = make_competition()
    region = competition.region
    dinkes = make_organisation(region, "Dinas Kesehatan")
    puskesmas = make_organisation(region, "Puskesmas Ngletih", parent=dinkes)
    pustu = make_organisation(region, "Pustu Ngletih", parent=puskesmas)
    posyandu = make_organisation(region, "Posyandu Melati", parent=pustu)
    kominfo = make_organisation(region, "Dinas Kominfo")
    places = {"dinkes": dinkes, "puskesmas": puskesmas, "pustu": pustu, "kominfo": kominfo, "none": None}
    judge = make_user(competition, "judge", organisation=places[judge_at])
    entries = [make_entry(competition, organisation, title=organisation.name)
               for organisation in (dinkes, puskesmas, pustu, posyandu, kominfo)]
    declared = make_entry(competition, kominfo, title="Dideklarasikan")
    db.session.add(ConflictOfInterest(entry=declared, judge=judge, reason="Keluarga"))
    db.session.commit()
    allowed = set(db.session.scalars(select(Entry.title).where(
        Entry.competition_id == competition.id, policy.without_conflict(judge))))
    expected = {e.title for e in [*entries, declared] if not policy.is_conflicted(judge, e)}
    assert allowed == expected
    by_hand = {"dinkes": {"Dinas Kominfo"}, "puskesmas": {"Dinas Kominfo"},
               "pustu": {"Dinas Kominfo"},
               "kominfo": {"Dinas Kesehatan", "Puskesmas Ngletih", "Pustu Ngletih", "Posyandu Melati"},
               "none": {"Dinas Kesehatan", "Puskesmas Ngletih", "Pustu Ngletih", "Posyandu Melati",
                        "Dinas Kominfo"}}
    assert allowed == by_hand[judge_at]
