"""An initiative's journal form sent twice (a double click, or the browser resending it after the
answer was lost) writes one entry, not two: the second answer takes the person to the entry the
first one wrote (issue 15).

The form is sent exactly as a browser resends it: every hidden field the page's form holds (its
submission key and CSRF token), the same date and texts. An entry written again on purpose, from
the form loaded again, is still saved.
"""
import re
from datetime import date
from uuid import uuid4

import pytest

from sociallab.extensions import db
from sociallab.initiatives import services
from sociallab.initiatives.models import JournalEntry

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HIDDEN = re.compile(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"')
ENTRY = {"entry_date": "2025-05-02", "tried": "Audition dans la salle adaptée", "observed": "Enfants plus calmes",
         "adjusted": "", "lang": "fr"}


def form_fields(html):
    """The hidden fields of the journal page's form."""
    start = html.index('<form method="post" novalidate>')
    return dict(HIDDEN.findall(html[start:html.index("</form>", start)]))


def entries(**where):
    return db.session.scalar(db.select(db.func.count(JournalEntry.id)).filter_by(**where))


@pytest.fixture
def journal(client, auth, world, initiative_factory):
    initiative = initiative_factory()
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}/journal/new"
    return initiative, url, lambda: form_fields(client.get(url).get_data(as_text=True))


def test_an_entry_sent_twice_is_saved_once(client, journal):
    initiative, url, fresh = journal
    fields = {**fresh(), **ENTRY}

    first = client.post(url, data=fields)
    again = client.post(url, data=fields)

    assert [first.status_code, again.status_code] == [302, 302]
    assert entries(initiative_id=initiative.id) == 1
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Location"].endswith(f"#journal-{db.session.scalar(db.select(JournalEntry.id))}")


def test_the_same_entry_sent_again_from_a_fresh_form_is_a_new_entry(client, journal):
    initiative, url, fresh = journal
    assert [client.post(url, data={**fresh(), **ENTRY}).status_code for _ in range(2)] == [302, 302]
    assert entries(initiative_id=initiative.id) == 2


def test_each_page_carries_its_own_key(journal):
    _initiative, _url, fresh = journal
    keys = [fresh()["submission"] for _ in range(2)]
    assert keys[0] != keys[1] and all(UUID.fullmatch(key) for key in keys)


def test_a_form_without_a_key_saves_as_before(client, journal):
    # A page loaded before the forms carried a key: each sending is saved, as it was.
    initiative, url, fresh = journal
    fields = {**fresh(), **ENTRY}
    del fields["submission"]
    assert [client.post(url, data=fields).status_code for _ in range(2)] == [302, 302]
    assert entries(initiative_id=initiative.id) == 2


def test_a_form_restored_and_rewritten_is_a_new_entry(client, journal):
    # Back to the page after saving (the browser keeps its key), another text written: a new entry.
    initiative, url, fresh = journal
    fields = {**fresh(), **ENTRY}
    first = client.post(url, data=fields)
    second = client.post(url, data={**fields, "adjusted": "Une seconde salle"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] != second.headers["Location"]
    assert entries(initiative_id=initiative.id) == 2


@pytest.mark.parametrize("key", ["not-a-key", "x" * 5000, "<script>", "10577E99-377D-4C3B-A76B-5BFB6DBFC721",
                                 "10577e99-377d-4c3b-a76b-5bfb6dbfc7210"])
def test_a_damaged_key_brings_the_form_back_with_the_text(client, journal, key):
    initiative, url, fresh = journal
    fields = {**fresh(), **ENTRY, "submission": key}

    response = client.post(url, data=fields)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ENTRY["tried"] in html and "Ce formulaire est arrivé abîmé" in html and key not in html
    assert entries(initiative_id=initiative.id) == 0
    # Sent again from the form that came back (it has a new key): saved.
    assert client.post(url, data={**fields, **form_fields(html)}).status_code == 302
    assert entries(initiative_id=initiative.id) == 1


def test_a_double_click_racing_two_entries_saves_one(app, world, initiative_factory, monkeypatch):
    # Both requests look for the key before either entry is saved: the first looks, then the
    # second click's entry is saved (and committed) before the first saves its own.
    initiative, key = initiative_factory(), str(uuid4())
    send = lambda: services.add_journal_entry(initiative, world.member, date(2025, 5, 2), "Deux clics",  # noqa: E731
                                              "", "", "fr", submission=key)
    look_up, raced = services._submitted_entry, []

    def look_up_while_the_other_click_is_saved(*args):
        found = look_up(*args)
        if not raced:
            raced.append("the other click")  # (its own look-up then finds nothing and saves)
            raced.append(send())
        return found
    monkeypatch.setattr(services, "_submitted_entry", look_up_while_the_other_click_is_saved)

    entry = send()

    assert entry.id == raced[1].id
    assert entries(tried="Deux clics") == 1
