"""Moving an initiative (or changing its partners) takes everything that hangs from it along."""
import pytest
from flask import g
from sqlalchemy.exc import OperationalError

from sociallab import search
from sociallab.extensions import db
from sociallab.forums import services as forums
from sociallab.forums.flags import flag_post, open_flags
from sociallab.initiatives import curation, services
from sociallab.initiatives.models import Initiative
from sociallab.notifications.models import Notification
from tests import factories


@pytest.fixture
def bf_member(world):
    """A member in Burkina Faso: the region of Senegal, another country."""
    return factories.region_member(world)


def _fresh():
    for key in list(vars(g)):
        g.pop(key)


def _approved_in_region(world, initiative_factory, title="Salle d'écoute régionale"):
    initiative = initiative_factory(space=world.ssa_space, status=Initiative.SUBMITTED, title=title,
                                    countries=[world.countries["sn"]])
    curation.curate(initiative, "approve", world.admin)
    db.session.commit()
    return initiative


def _edit(initiative, actor, space=None, **changes):
    fields = {"title": initiative.title, "summary": initiative.summary, "problem": initiative.problem,
              "approach": initiative.approach, "target_groups": initiative.target_groups,
              "lang": initiative.lang, "lead_organisation": initiative.lead_organisation,
              "co_leads": [c.organisation for c in initiative.co_leads], "themes": list(initiative.themes),
              "countries": list(initiative.countries), "start_date": initiative.start_date,
              "end_date": initiative.end_date}
    fields.update(changes)
    _fresh()
    return services.update_initiative(initiative, actor, services.InitiativeData(**fields), space=space)


def _notified(person):
    return db.session.scalars(db.select(Notification).where(Notification.user_id == person.id)).all()


def test_the_discussion_and_its_open_flags_follow_the_initiative_to_its_new_space(
        world, bf_member, initiative_factory):
    initiative = _approved_in_region(world, initiative_factory)
    comment = forums.reply(initiative.thread, bf_member, "Un avis de la région", "fr").post
    db.session.commit()
    flag = flag_post(comment, world.member, "other")
    db.session.commit()
    _edit(initiative, world.member, space=world.sn_space)
    db.session.commit()
    assert initiative.thread.space_id == world.sn_space.id
    assert open_flags(world.ssa_space) == []
    assert [f.id for f in open_flags(world.sn_space)] == [flag.id]
    # The Senegal moderators are told their review queue has work.
    assert [n.url for n in _notified(world.moderator) if n.kind == "forums.flagged"] == \
        ["/spaces/country-sn/forums/review"]


def test_notifications_of_a_moved_initiative_stay_only_with_the_people_who_still_read_it(
        world, bf_member, initiative_factory):
    initiative = _approved_in_region(world, initiative_factory)
    for person in (bf_member, world.member2):
        forums.reply(initiative.thread, person, f"Question de {person.name}", "fr")
        db.session.commit()
    _fresh()
    forums.reply(initiative.thread, world.member, "Réponse à tous", "fr")
    db.session.commit()
    assert _notified(bf_member) and _notified(world.member2)
    _edit(initiative, world.member, space=world.sn_space)
    db.session.commit()
    assert _notified(bf_member) == []
    assert {n.space_id for n in _notified(world.member2)} == {world.sn_space.id}


def test_a_move_whose_commit_fails_leaves_the_comments_where_they_were(
        world, bf_member, initiative_factory, monkeypatch):
    """The edit commits itself: when that commit fails, the discussion's move is undone with it."""
    initiative = _approved_in_region(world, initiative_factory)
    forums.reply(initiative.thread, world.member, "Le mot vortelune reste", "fr")
    db.session.commit()

    def lost_connection():
        db.session.flush()  # everything written, as far as a real commit gets before failing
        raise OperationalError("COMMIT", {}, Exception("connection lost"))
    monkeypatch.setattr(db.session, "commit", lost_connection)
    with pytest.raises(OperationalError):
        _edit(initiative, world.member, space=world.sn_space)
    monkeypatch.undo()
    db.session.rollback()
    _fresh()
    assert initiative.thread.space_id == world.ssa_space.id
    assert {h.type for h in search.query(bf_member, "vortelune").hits} == {"thread"}


def test_renaming_an_initiative_renames_its_discussion_where_search_shows_the_comments(
        world, initiative_factory):
    initiative = _approved_in_region(world, initiative_factory)
    forums.reply(initiative.thread, world.member, "Un commentaire", "fr")
    db.session.commit()
    _edit(initiative, world.member, title="Salle bramovique")
    db.session.commit()
    assert initiative.thread.title == "Salle bramovique"
    _fresh()
    # The initiative, its discussion and the comment open one page: one result, found by the new title.
    results = search.query(world.member2, "bramovique")
    assert results.total == 1 and dict(results.facets["type"]) == {"initiative": 1, "thread": 1}


def test_a_co_lead_taken_off_a_draft_loses_its_notifications_about_it(world, initiative_factory):
    initiative = initiative_factory(space=world.international, co_leads=[world.pe_org])
    _edit(initiative, world.other_member)  # the Peruvian co-lead now counts among the authors
    db.session.commit()
    curation.curate(initiative, "submit", world.member)
    curation.curate(initiative, "request_changes", world.admin, "Précisez l'approche.")
    db.session.commit()
    assert [n.kind for n in _notified(world.other_member)] == ["initiative.request_changes"]
    _edit(initiative, world.member, co_leads=[])
    db.session.commit()
    assert _notified(world.other_member) == []
    assert [n.kind for n in _notified(world.member)] == ["initiative.request_changes"]  # still a partner
