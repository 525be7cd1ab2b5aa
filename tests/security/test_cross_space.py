"""Across spaces: when an item changes space or visibility, nothing that hangs from it stays behind.

Each row of CASES is one content type and one way of changing its space or visibility. An item
is built with a made-up word in each of its parts (title, comments, journal, file...), and
`reach` lists what a person gets of it by every route: pages by id, listings, search results,
counts and facets, spelling suggestions, exports, dashboards, notifications and the Socket.IO
rooms. A row says, for each observer, what they reach before and after the change: exactly the
same, or nothing of it when the item moved away from them. A new content type is one builder;
a new move path is one row.

Today only an initiative changes space (by editing it); a thread moves only between categories
of its own space (a row checks that a move elsewhere is refused); resources and workshops never
change space. Everything else changes visibility: curation, drafts, hiding, deleting, ending.
"""
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest
from flask import current_app, g

from sociallab import search
from sociallab.extensions import db, socketio
from sociallab.forums import moderation
from sociallab.forums import services as forums
from sociallab.forums.checks import ForumError
from sociallab.i18n import utcnow
from sociallab.initiatives import curation, rollups, stages
from sociallab.initiatives import services as initiatives
from sociallab.initiatives.models import Initiative
from sociallab.knowledge import services as knowledge
from sociallab.knowledge.models import Resource
from sociallab.knowledge.uploads import add_file
from sociallab.permissions import can_read_space
from sociallab.workshops import room
from sociallab.workshops import services as workshops
from sociallab.workshops.models import Workshop
from tests import factories
from tests.conftest import Auth
from tests.factories import add_indicator, add_values, make_initiative, same_data
from tests.knowledge import files


class Every(frozenset):
    """Every probe of the item, but those named: `ALL - {"notifications"}`."""

    def __sub__(self, names):
        return Every(self | set(names))

    def of(self, probes):
        return set(probes) - self


ALL, NOTHING, SAME = Every(), frozenset(), "same"
REACHED = 7331  # people reached by the initiative's indicator: a figure no other item adds up to


def _fresh_request():
    # Permission caches live in `g` for one request; each probe is a request of its own.
    for key in list(vars(g)):
        g.pop(key)


# --- probes: one way of reaching an item, True when the observer gets something of it ------------

def page(url, secret=None):
    """The page answers (not 404) and, when given, shows the secret word."""
    def probe(ctx):
        response = ctx.client.get(url)
        if response.status_code == 404:
            return False
        assert response.status_code < 500, (url, response.status_code)
        return secret is None or secret in response.get_data(as_text=True)
    return probe


def found(secret):
    """Search finds something for the word, or counts or facets anything for it."""
    def probe(ctx):
        _fresh_request()
        results = search.query(ctx.user, secret)
        return bool(results.hits or results.total or any(results.facets.values()))
    return probe


def suggested(secret):
    """A misspelt word gets a "did you mean" built from the item."""
    typo = secret[:-2] + secret[-1] + secret[-2]

    def probe(ctx):
        _fresh_request()
        return search.query(ctx.user, typo).suggestion is not None
    return probe


def dashboard(ctx):
    _fresh_request()
    return rollups.dashboard(ctx.user).reached.total >= REACHED


def forum_room(thread_id):
    def probe(ctx):
        sio = socketio.test_client(ctx.app, namespace="/forums", flask_test_client=ctx.client)
        if not sio.is_connected("/forums"):
            return False
        ack = sio.emit("join", {"thread": thread_id}, namespace="/forums", callback=True)
        sio.disconnect(namespace="/forums")
        return bool(ack and ack.get("ok"))
    return probe


def workshop_room(workshop_id):
    def probe(ctx):
        sio = socketio.test_client(ctx.app, namespace="/workshops", flask_test_client=ctx.client,
                                   auth={"workshop_id": workshop_id})
        connected = sio.is_connected("/workshops")
        if connected:
            sio.disconnect(namespace="/workshops")
        return connected
    return probe


def later_page(url_of, secret=None):
    """A page whose address exists only after the change (the minutes of a workshop)."""
    def probe(ctx):
        url = url_of()
        return url is not None and page(url, secret)(ctx)
    return probe


@dataclass
class Item:
    obj: object
    probes: dict
    parts: dict = field(default_factory=dict)


@dataclass
class Observer:
    app: object
    user: object
    client: object


def reach(item, ctx):
    """The names of the probes through which this person gets something of the item."""
    return {name for name, probe in item.probes.items() if probe(ctx)}


# --- builders: one per content type, each part carrying its own word ---------------------------

def build_initiative(w, space, featured=False):
    """An approved initiative with its discussion (comments, notification), journal and figures."""
    title, comment, journal = "Vorlapine", "Quindrosel", "Brastuvel"
    initiative = make_initiative(w, space=space, author=w.member, title=f"Salle {title}", status=Initiative.SUBMITTED,
                                 countries=[w.countries["sn"]])
    curation.curate(initiative, "approve", w.admin)
    if featured:
        curation.curate(initiative, "feature", w.admin)
    db.session.commit()
    initiatives.add_journal_entry(initiative, w.member, date(2025, 3, 1), f"Essai {journal}", "", "", "fr")
    add_values(add_indicator(initiative, w.member), date(2025, 6, 30), w.member, actual={"total": REACHED})
    thread = initiative.thread
    _fresh_request()
    if can_read_space(space, w.bf_member):
        # A reader of the region comments: they now watch the discussion and are notified of replies.
        forums.reply(thread, w.bf_member, "Une question de la région", "fr")
        db.session.commit()
    _fresh_request()
    answer = forums.reply(thread, w.member, f"Réponse {comment}", "fr").post
    db.session.commit()
    return Item(initiative, {
        "initiative page": page(f"/initiatives/{initiative.id}", title),
        "initiative list": page("/initiatives", title),
        "comment by id": page(f"/forums/posts/{answer.id}", comment),
        "discussion by id": page(f"/forums/threads/{thread.id}"),
        "title in search": found(title),
        "comment in search": found(comment),
        "journal in search": found(journal),
        "suggestion": suggested(comment),
        "initiatives export": page("/initiatives/export.csv", title),
        "values export": page("/initiatives/indicator-values.csv", title),
        "dashboard": dashboard,
        "notifications": page("/notifications", title),
        "discussion room": forum_room(thread.id),
    }, {"thread": thread, "answer": answer})


def build_good_practice(w, space):
    return build_initiative(w, space, featured=True)


def build_draft_initiative(w, space):
    """A draft co-led from Peru, sent back to its authors by a moderator (who are notified)."""
    title, journal = "Trevaluna", "Gormistel"
    initiative = make_initiative(w, space=space, author=w.member, title=f"Projet {title}", co_leads=[w.pe_org])
    initiatives.add_journal_entry(initiative, w.other_member, date(2025, 3, 1), f"Essai {journal}", "", "", "fr")
    initiatives.update_initiative(initiative, w.other_member, same_data(initiative))
    curation.curate(initiative, "submit", w.member)
    curation.curate(initiative, "request_changes", w.admin, "Précisez l'approche.")
    db.session.commit()
    return Item(initiative, {
        "initiative page": page(f"/initiatives/{initiative.id}", title),
        "initiative list": page("/initiatives", title),
        "title in search": found(title),
        "journal in search": found(journal),
        "suggestion": suggested(journal),
        "initiatives export": page("/initiatives/export.csv", title),
        "notifications": page("/notifications", title),
    })


def build_thread(w, space):
    """A forum thread with a reply mentioning the observer (who is notified of it)."""
    title, body, answer_word = "Corvalinde", "Pestrogale", "Mirnavode"
    category = forums.create_category(space, "Pratiques", "", "fr", w.admin)
    thread, _ = forums.create_thread(category, f"Fil {title}", f"Premier {body}", w.member, "fr")
    db.session.commit()
    _fresh_request()
    answer = forums.reply(thread, w.member2, f"@{w.bf_member.handle} voici {answer_word}", "fr").post
    db.session.commit()
    return Item(thread, {
        "thread by id": page(f"/forums/threads/{thread.id}", title),
        "category list": later_page(lambda: f"/forums/categories/{thread.category_id}", title),
        "reply by id": page(f"/forums/posts/{answer.id}", answer_word),
        "title in search": found(title),
        "reply in search": found(answer_word),
        "suggestion": suggested(answer_word),
        "notifications": page("/notifications", title),
        "thread room": forum_room(thread.id),
    }, {"category": category, "answer": answer})


def build_resource(w, space):
    """A published resource with an attached PDF."""
    title, body, attached = "Gravelune", "Tossimbre", "Dravoline"
    resource = knowledge.create_resource(space, w.member, "guide", f"Guide {title}", "", f"Corps {body}", "fr")
    version = add_file(resource, "guide.pdf", files.pdf(f"Annexe {attached}"), w.member)
    db.session.commit()
    return Item(resource, {
        "resource by id": page(f"/resources/{resource.id}", title),
        "library": page(f"/spaces/{space.slug}/library", title),
        "file by id": page(f"/files/{version.id}/download"),
        "body in search": found(body),
        "file text in search": found(attached),
        "suggestion": suggested(body),
    })


def build_workshop(w, space):
    """A live workshop with chat, a question and notes; its minutes exist once it ends."""
    title, chat, notes = "Felmirande", "Ostravelle", "Quenoprise"
    workshop = workshops.schedule_workshop(
        space, w.admin, title=f"Atelier {title}", description="", agenda="", lang="fr",
        starts_at=utcnow() - timedelta(minutes=5), ends_at=utcnow() + timedelta(hours=1), video_url="",
        capacity=None)
    workshop.status = Workshop.LIVE
    db.session.commit()
    insider = w.bf_member if can_read_space(space, w.bf_member) else w.member
    room.send_chat(workshop, insider, f"Bonjour {chat}")
    room.ask_question(workshop, insider, f"Question {chat} ?")
    room.update_notes(workshop, w.admin, f"Notes {notes}", 0)
    base = f"/spaces/{space.slug}/workshops/{workshop.id}"

    def minutes_page():
        db.session.refresh(workshop)
        rid = workshop.minutes_resource_id
        return f"/resources/{rid}" if rid else None
    return Item(workshop, {
        "workshop by id": page(base, title),
        "room page": page(f"{base}/room", chat),
        "workshop list": page(f"/spaces/{space.slug}/workshops", title),
        "room socket": workshop_room(workshop.id),
        "minutes by id": later_page(minutes_page, notes),
        "minutes in search": found(notes),
    })


# --- changes: every way an item changes space or visibility ----------------------------------

def edit_initiative_into(space_attr):
    def change(item, w):
        initiative = item.obj
        initiatives.update_initiative(initiative, w.member, same_data(initiative), space=getattr(w, space_attr))
        db.session.commit()
    return change


def take_off_co_leads(item, w):
    initiatives.update_initiative(item.obj, w.member, replace(same_data(item.obj), co_leads=[]))
    db.session.commit()


def curate(act):
    def change(item, w):
        curation.curate(item.obj, act, w.admin)
        db.session.commit()
    return change


def both(first, then):
    """Two changes that must each leave the item's readers as they were."""
    def change(item, w):
        first(item, w)
        then(item, w)
    return change


def move_stage(item, w):
    stages.change_stage(item.obj, stages.DESIGN, w.member, "Le pilote a montré un défaut.")
    db.session.commit()


def move_thread_to_category_of(space_attr):
    def change(item, w):
        target = forums.create_category(getattr(w, space_attr), "Ailleurs", "", "fr", w.admin)
        db.session.commit()
        try:
            moderation.move_thread(item.obj, target, w.admin)
        except ForumError:
            db.session.rollback()
        else:
            db.session.commit()
    return change


def hide_reply(item, w):
    moderation.set_hidden(item.parts["answer"], w.admin, True)
    db.session.commit()


def delete_reply(item, w):
    forums.delete_post(item.parts["answer"], w.member2)
    db.session.commit()


def hide_resource(item, w):
    knowledge.set_hidden(item.obj, True, w.admin)
    db.session.commit()


def make_resource_draft(item, w):
    r = item.obj
    knowledge.update_resource(r, r.type, r.title, r.summary, r.body, r.lang, status=Resource.DRAFT,
                              editor=w.admin)
    db.session.commit()


def end_workshop(item, w):
    with current_app.test_request_context():
        room.end_session(item.obj, w.admin)


@dataclass
class Case:
    id: str
    build: object
    space: str          # the world attribute naming the space the item starts in
    change: object
    # (observer, reach before, reach after): ALL is every probe, SAME what they reached before.
    expect: list


INITIATIVE_PARTS = {"initiative page", "initiative list", "title in search", "journal in search",
                    "initiatives export", "values export", "dashboard"}
THREAD_REPLY = {"reply by id", "reply in search", "suggestion"}

CASES = [
    Case("initiative edited from its region into a national space", build_initiative, "ssa_space",
         edit_initiative_into("sn_space"),
         [("bf_member", ALL, NOTHING), ("member2", ALL - {"notifications"}, SAME)]),
    Case("initiative edited from a national space into its region", build_initiative, "sn_space",
         edit_initiative_into("ssa_space"),
         [("bf_member", NOTHING, ALL - {"notifications"}), ("other_member", NOTHING, NOTHING)]),
    Case("good practice unfeatured", build_good_practice, "sn_space",
         curate("unfeature"), [("other_member", INITIATIVE_PARTS, NOTHING)]),
    Case("co-lead organisation taken off a draft", build_draft_initiative, "international", take_off_co_leads,
         [("other_member", ALL, NOTHING), ("member", ALL, SAME)]),
    Case("initiative changes stage, then is archived", build_initiative, "ssa_space",
         both(move_stage, curate("archive")), [("bf_member", ALL, SAME)]),
    Case("thread moved to a category of another space (refused)", build_thread, "ssa_space",
         move_thread_to_category_of("pe_space"), [("bf_member", ALL, SAME), ("other_member", NOTHING, NOTHING)]),
    Case("thread moved to another category of its space", build_thread, "ssa_space",
         move_thread_to_category_of("ssa_space"), [("bf_member", ALL, SAME)]),
    Case("reply hidden by a moderator", build_thread, "ssa_space", hide_reply,
         [("bf_member", ALL, ALL - THREAD_REPLY)]),
    Case("reply deleted by its author", build_thread, "ssa_space", delete_reply,
         [("bf_member", ALL, ALL - THREAD_REPLY)]),
    Case("resource hidden by a moderator", build_resource, "ssa_space", hide_resource,
         [("bf_member", ALL, NOTHING), ("member", ALL, SAME)]),
    Case("resource turned back into a draft", build_resource, "ssa_space", make_resource_draft,
         [("bf_member", ALL, NOTHING)]),
    Case("workshop ends and its minutes are published", build_workshop, "ssa_space", end_workshop,
         [("bf_member", ALL - {"minutes by id", "minutes in search"}, ALL), ("other_member", NOTHING, NOTHING)]),
]


@pytest.fixture
def w(world):
    """The shared world, plus a member of Burkina Faso: same region as Senegal, other country."""
    world.bf_member = factories.region_member(world)
    return world


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_what_another_space_reaches_follows_the_item(app, w, case):
    """Before and after the change, each observer reaches exactly what the row says, by every route."""
    item = case.build(w, getattr(w, case.space))
    observers = {}
    for name, _before, _after in case.expect:
        client = app.test_client()
        Auth(client).login(getattr(w, name).email)
        observers[name] = Observer(app, getattr(w, name), client)
    everything = set(item.probes)
    seen = {}
    for name, before, _after in case.expect:
        seen[name] = reach(item, observers[name])
        expected = before.of(everything) if isinstance(before, Every) else set(before)
        assert seen[name] == expected, f"before the change, {name} reaches {sorted(seen[name] ^ expected)} wrongly"
    case.change(item, w)
    for name, _before, after in case.expect:
        got = reach(item, observers[name])
        expected = seen[name] if after == SAME else after.of(everything) if isinstance(after, Every) else set(after)
        assert got == expected, (f"after the change, {name} reaches {sorted(got - expected)} "
                                 f"and misses {sorted(expected - got)}")


# Every model that belongs to a space is either content with a builder above, or says here why
# it needs none. A new kind of content in a space fails the test below until it has its rows.
BUILDERS = {"Initiative": build_initiative, "Thread": build_thread, "Category": build_thread,
            "Resource": build_resource, "Workshop": build_workshop}
NOT_CONTENT = {
    "Flag": "a report on a post: moved with its thread, shown only to moderators",
    "Notification": "probed as `notifications` of each content type",
    "SpaceRole": "a person's role in a space, not something people read",
    "AuditEntry": "read by administrators only",
}


def test_every_model_kept_in_a_space_has_rows_in_the_table(app):
    in_a_space = {m.class_.__name__ for m in db.Model.registry.mappers if "space_id" in m.columns}
    assert in_a_space - set(NOT_CONTENT) == set(BUILDERS)
    used = {c.build for c in CASES}
    assert all(builder in used for builder in BUILDERS.values())
