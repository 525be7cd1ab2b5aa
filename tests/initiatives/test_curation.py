"""Curation by moderator, author, another partner and administrator; audited and notified."""
import pytest

from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.initiatives import curation
from sociallab.initiatives.models import Initiative, ReviewEvent
from sociallab.notifications.models import Notification
from sociallab.permissions import can_read_initiative
from tests import factories
from tests.conftest import post_form


def _kinds(user):
    return [n.kind for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))]


def test_author_submits_and_the_space_moderators_are_notified(world, initiative_factory):
    initiative = initiative_factory()
    curation.curate(initiative, "submit", world.member)
    db.session.commit()
    assert initiative.status == Initiative.SUBMITTED and initiative.submitted_at is not None
    assert "initiative.submitted" in _kinds(world.moderator)
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "initiative.submit")) is not None


def test_moderator_requests_changes_with_a_comment_the_authors_receive(world, initiative_factory):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    with pytest.raises(curation.CurationError):
        curation.curate(initiative, "request_changes", world.moderator, "")
    curation.curate(initiative, "request_changes", world.moderator, "Remove the child's first name.")
    db.session.commit()
    assert initiative.status == Initiative.CHANGES_REQUESTED
    notification = db.session.scalar(db.select(Notification).where(Notification.user_id == world.member.id))
    assert notification.kind == "initiative.request_changes"
    assert notification.data["comment"] == "Remove the child's first name."
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "initiative.request_changes"))
    assert entry.actor_id == world.moderator.id and entry.after["status"] == "changes_requested"


def test_moderator_approves_features_and_archives_each_act_audited_and_notified(world, initiative_factory):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    for act in ("approve", "feature", "unfeature", "archive", "restore"):
        curation.curate(initiative, act, world.moderator)
        db.session.commit()
    assert initiative.status == Initiative.PUBLISHED and not initiative.featured
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.target_type == "Initiative", AuditEntry.action != "initiative.create").order_by(AuditEntry.id))]
    assert actions == ["initiative.approve", "initiative.feature", "initiative.unfeature", "initiative.archive",
                       "initiative.restore"]
    assert _kinds(world.member) == ["initiative.approve", "initiative.feature", "initiative.unfeature",
                                    "initiative.archive", "initiative.restore"]
    assert [e.action for e in initiative.reviews] == ["approve", "feature", "unfeature", "archive", "restore"]


def test_approval_opens_the_comment_thread_in_the_forums(world, initiative_factory):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    curation.curate(initiative, "approve", world.moderator)
    db.session.commit()
    assert initiative.thread is not None
    assert initiative.thread.space_id == initiative.space_id
    assert initiative.thread.return_url == f"/initiatives/{initiative.id}"


@pytest.mark.parametrize("act", ["request_changes", "approve"])
@pytest.mark.parametrize("who", ["member", "member2", "other_member"])
def test_authors_and_other_partners_cannot_curate(world, initiative_factory, act, who):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    with pytest.raises(curation.CurationError) as error:
        curation.curate(initiative, act, getattr(world, who), "comment")
    assert error.value.forbidden
    assert initiative.status == Initiative.SUBMITTED


def test_another_partner_cannot_submit_someone_elses_draft(world, initiative_factory):
    initiative = initiative_factory()
    with pytest.raises(curation.CurationError) as error:
        curation.curate(initiative, "submit", world.member2)
    assert error.value.forbidden


def test_a_moderator_of_another_space_cannot_curate(world, initiative_factory):
    peru_moderator = factories.user("mod.pe@example.org")
    factories.role(peru_moderator, "moderator", world.pe_space)
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    assert not can_read_initiative(initiative, peru_moderator)
    with pytest.raises(curation.CurationError):
        curation.curate(initiative, "approve", peru_moderator)


def test_an_administrator_curates_everywhere(world, initiative_factory):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    curation.curate(initiative, "approve", world.admin)
    curation.curate(initiative, "feature", world.admin)
    db.session.commit()
    assert initiative.is_public_good_practice


def test_acts_out_of_order_are_refused_with_a_message(world, initiative_factory):
    initiative = initiative_factory()
    with pytest.raises(curation.CurationError) as error:
        curation.curate(initiative, "approve", world.moderator)
    assert not error.value.forbidden and "Approuver et publier" in str(error.value)
    published = initiative_factory(status=Initiative.PUBLISHED, featured=True)
    with pytest.raises(curation.CurationError):
        curation.curate(published, "feature", world.moderator)


def test_curation_through_the_pages(client, auth, world, initiative_factory):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    url = f"/initiatives/{initiative.id}"
    auth.login(world.member.email)
    assert post_form(client, f"{url}/curate", {"action": "approve"}, page=url).status_code == 403
    auth.logout()
    auth.login(world.moderator.email)
    queue = client.get("/initiatives/review").get_data(as_text=True)
    assert initiative.title in queue
    response = post_form(client, f"{url}/curate", {"action": "request_changes", "comment": ""}, page=url)
    assert response.status_code == 302
    assert db.session.get(Initiative, initiative.id).status == Initiative.SUBMITTED
    response = post_form(client, f"{url}/curate", {"action": "approve", "comment": "Well documented."}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Initiative, initiative.id).status == Initiative.PUBLISHED
    approval = db.session.scalar(db.select(ReviewEvent).where(ReviewEvent.action == "approve"))
    assert approval.comment == "Well documented."
