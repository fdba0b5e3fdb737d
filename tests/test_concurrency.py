"""Two people acting on one entry at the same moment: exactly one wins."""

from __future__ import annotations

import threading

from sqlalchemy import select

from competition.errors import ConcurrentChange
from competition.extensions import db
from competition.models import Entry, EntryEvent, User
from competition.services.entries import change_entry_status
from tests.factories import make_competition, make_entry, make_organisation, make_user


def test_two_threads_firing_on_one_entry(app):
    competition = make_competition()
    region = competition.region
    entry = make_entry(competition, make_organisation(region), status="submitted")
    inspektorat = make_organisation(region, "Inspektorat")
    first = make_user(competition, "verifier", organisation=inspektorat)
    second = make_user(competition, "verifier", organisation=inspektorat)
    entry_id, user_ids = entry.id, {"verify": first.id, "reject": second.id}
    db.session.remove()

    both_loaded = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def act(trigger: str) -> None:
        with app.app_context():
            loaded = db.session.get(Entry, entry_id)
            user = db.session.get(User, user_ids[trigger])
            assert loaded is not None and user is not None
            loaded.competition.categories  # noqa: B018  (load everything before racing)
            loaded.evidence  # noqa: B018
            both_loaded.wait()
            try:
                change_entry_status(loaded, trigger, user, comment="Data dukung tidak sesuai")
                outcomes[trigger] = "won"
            except ConcurrentChange:
                outcomes[trigger] = "conflict"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(t,)) for t in ("verify", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "won"]
    winner = next(t for t, outcome in outcomes.items() if outcome == "won")
    stored = db.session.get(Entry, entry_id)
    events = db.session.scalars(select(EntryEvent).where(EntryEvent.entry_id == entry_id)).all()
    assert stored.status == {"verify": "verified", "reject": "rejected"}[winner]
    assert stored.version == 2
    assert [e.trigger for e in events] == [winner]
