"""What may identify a child in an initiative, its journal, indicators and timeline: warned before
saving (the text kept), redacted in one click, or held for the moderators (its partners and the
space's moderators see it; nobody else, in pages, lists, search or dashboards) until they approve
or redact it, after the fact too (audit entries cleaned)."""
from sociallab import search
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.initiatives import rollups
from sociallab.initiatives.models import Indicator, Initiative, JournalEntry, StageChange
from sociallab.permissions import can_read_initiative, readable_initiatives_query
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.screening import deciding
from tests.conftest import csrf_token_from, post_form
from tests.factories import add_indicator, initiative_form

IDENTIFYING = "Awa Diop, 12 ans, vit au 14 rue Carnot"
REASON = "Le tribunal a besoin du nom exact."


def _journal(**changes):
    data = {"entry_date": "2025-04-01", "tried": "Des entretiens filmés.", "observed": "", "adjusted": "",
            "lang": "fr"}
    data.update(changes)
    return data


def _found(user, text):
    return {hit.id if hasattr(hit, "id") else hit["id"] for hit in search.query(user, text).hits}


def _listed(user):
    """The ids of the initiatives the person's lists, dashboards and exports start from."""
    return set(db.session.scalars(readable_initiatives_query(user).with_only_columns(Initiative.id)))


def _new_url(world):
    return f"/spaces/{world.sn_space.slug}/initiatives/new"


def test_the_form_warns_with_the_passages_highlighted_and_keeps_the_text_then_redacts_in_one_click(
        client, auth, world):
    auth.login(world.member.email)
    response = post_form(client, _new_url(world),
                         initiative_form(world, summary=IDENTIFYING, approach="Écoute active."))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html
    assert 'value="redact"' in html and 'value="publish"' in html
    assert IDENTIFYING in html and "Écoute active." in html  # everything typed is kept
    assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 0

    response = post_form(client, _new_url(world), initiative_form(world, summary=IDENTIFYING, safeguarding="redact"))
    assert response.status_code == 302
    initiative = db.session.scalar(db.select(Initiative))
    assert initiative.summary == "[retiré], vit au [retiré]" and not initiative.sensitive
    created = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "initiative.create"))
    assert "Awa Diop" not in str(created.after)


def test_publish_anyway_needs_a_reason_and_keeps_the_text(client, auth, world):
    auth.login(world.member.email)
    response = post_form(client, _new_url(world), initiative_form(world, summary=IDENTIFYING, safeguarding="publish",
                                                       safeguarding_justification=" "))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Expliquez pourquoi il doit être publié tel quel" in html and IDENTIFYING in html
    assert db.session.scalar(db.select(db.func.count(Initiative.id))) == 0


def test_an_edit_published_for_review_is_held_until_a_moderator_approves_it(client, auth, world,
                                                                            initiative_factory):
    initiative = initiative_factory(status=Initiative.PUBLISHED, title="Salle d'audition adaptée")
    page_url = f"/initiatives/{initiative.id}"
    auth.login(world.member2.email)  # a member of the space, of another organisation
    assert client.get(page_url).status_code == 200
    counted = rollups.dashboard(world.member2).initiatives
    auth.logout()

    auth.login(world.member.email)
    response = post_form(client, f"{page_url}/edit", initiative_form(world, summary=IDENTIFYING, safeguarding="publish",
                                                          safeguarding_justification=REASON))
    assert response.status_code == 302
    db.session.expire_all()
    assert initiative.sensitive and initiative.summary == IDENTIFYING
    held = db.session.scalar(db.select(SensitiveItem))
    assert (held.item_type, held.item_id, held.status, held.justification) == (
        "initiative", initiative.id, "held", REASON)
    page = client.get(page_url).get_data(as_text=True)
    assert "Awa Diop" in page and "Retenu" in page  # its authors see it, tagged
    assert initiative.id in _listed(world.member)
    # A volunteer of the lead organisation reads it, and finds it: search follows the same rule.
    assert f"initiative:{initiative.id}" in _found(world.volunteer_in, "Carnot")
    auth.logout()

    # Another member of the space: not on the page, the list, search, the dashboard or the CSV export.
    auth.login(world.member2.email)
    assert client.get(page_url).status_code == 404
    assert "Salle d&#39;audition" not in client.get("/initiatives").get_data(as_text=True)
    assert _found(world.member2, "Carnot") == set()
    assert rollups.dashboard(world.member2).initiatives == counted - 1
    assert "Salle d" not in client.get("/initiatives/export.csv").get_data(as_text=True)
    auth.logout()

    # The moderator sees it in the queue with the passages highlighted, and approves it.
    auth.login(world.moderator.email)
    assert "Remove identifying details" in client.get(page_url).get_data(as_text=True)
    queue = client.get("/moderation/sensitive").get_data(as_text=True)
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in queue and REASON in queue
    response = client.post(f"/moderation/sensitive/{held.id}/approve", data={"csrf_token": csrf_token_from(queue)})
    assert response.status_code == 302
    auth.logout()
    db.session.expire_all()
    assert not initiative.sensitive and held.status == "approved"

    auth.login(world.member2.email)
    assert "Awa Diop" in client.get(page_url).get_data(as_text=True)
    assert rollups.dashboard(world.member2).initiatives == counted
    assert _found(world.member2, "Carnot") == {f"initiative:{initiative.id}"}


def test_a_held_draft_is_read_by_its_partners_and_the_moderators_only(world, initiative_factory):
    with deciding("publish", REASON):
        initiative = initiative_factory(summary=IDENTIFYING)
    assert initiative.sensitive and initiative.submitted_at is None
    readable = {person.email for person in (world.member, world.member2, world.moderator, world.other_member)
                if can_read_initiative(initiative, person)}
    assert readable == {world.member.email, world.moderator.email}
    listed = {person.email for person in (world.member, world.member2, world.moderator, world.other_member)
              if initiative.id in _listed(person)}
    assert listed == readable


def test_a_journal_entry_is_checked_and_a_held_one_is_shown_to_its_author_and_the_moderators(
        client, auth, world, initiative_factory):
    initiative = initiative_factory(status=Initiative.PUBLISHED)
    url = f"/initiatives/{initiative.id}/journal/new"
    auth.login(world.member.email)
    response = post_form(client, url, _journal(observed=IDENTIFYING))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html and "Des entretiens filmés." in html
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == 0

    response = post_form(client, url, _journal(observed=IDENTIFYING, safeguarding="publish",
                                               safeguarding_justification=REASON))
    assert response.status_code == 302
    entry = db.session.scalar(db.select(JournalEntry))
    assert entry.sensitive and not initiative.sensitive
    assert "Awa Diop" in client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    auth.logout()

    auth.login(world.member2.email)
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Awa Diop" not in page and "Des entretiens filmés." not in page
    assert _found(world.member2, "Carnot") == set()
    auth.logout()

    # The moderator removes the passages after the fact from the initiative's page.
    auth.login(world.moderator.email)
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert f"/moderation/redact/journal/{entry.id}" in page
    form = client.get(f"/moderation/redact/journal/{entry.id}").get_data(as_text=True)
    response = client.post(f"/moderation/redact/journal/{entry.id}",
                           data={"passages": "", "csrf_token": csrf_token_from(form)})
    assert response.status_code == 302
    db.session.expire_all()
    assert entry.observed == "[retiré], vit au [retiré]" and not entry.sensitive
    assert db.session.scalar(db.select(SensitiveItem.status)) == "redacted"
    assert _found(world.member2, "Carnot") == set()
    assert _found(world.member2, "filmés") == {f"journal:{entry.id}"}


def test_a_moderator_redacts_an_initiative_after_the_fact_and_its_audit_entries(client, auth, world,
                                                                                initiative_factory):
    initiative = initiative_factory(status=Initiative.PUBLISHED)
    auth.login(world.member.email)
    response = post_form(client, f"/initiatives/{initiative.id}/edit",
                         initiative_form(world, approach=IDENTIFYING, safeguarding="publish",
                                         safeguarding_justification=REASON))
    assert response.status_code == 302
    auth.logout()
    edit = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "initiative.edit"))
    assert "Awa Diop" in str(edit.after)

    auth.login(world.moderator.email)
    form = client.get(f"/moderation/redact/initiative/{initiative.id}").get_data(as_text=True)
    assert '<mark class="identifying">' in form
    response = client.post(f"/moderation/redact/initiative/{initiative.id}",
                           data={"passages": "Carnot", "csrf_token": csrf_token_from(form)})
    assert response.status_code == 302
    db.session.expire_all()
    assert "Awa Diop" not in initiative.approach and "Carnot" not in initiative.approach
    assert not initiative.sensitive
    for entry in db.session.scalars(db.select(AuditEntry)):
        assert "Awa Diop" not in str(entry.before) + str(entry.after)
    redacted = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "safeguarding.redacted"))
    assert redacted.actor_id == world.moderator.id and "Awa" not in str(redacted.after)
    assert _found(world.moderator, "Carnot") == set()


def test_indicator_notes_cannot_be_held_the_form_says_why(client, auth, world, initiative_factory):
    initiative = initiative_factory()
    url = f"/initiatives/{initiative.id}/indicators/new"
    auth.login(world.member.email)
    data = {"name": "Enfants entendus", "unit": "personnes", "description": IDENTIFYING, "measures": "reached"}
    response = post_form(client, url, data)
    assert response.status_code == 422 and IDENTIFYING in response.get_data(as_text=True)
    response = post_form(client, url, {**data, "safeguarding": "publish", "safeguarding_justification": REASON})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ne peut pas attendre" in html and 'value="publish"' not in html
    assert db.session.scalar(db.select(db.func.count(Indicator.id))) == 0
    response = post_form(client, url, {**data, "safeguarding": "redact"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Indicator.description)) == "[retiré], vit au [retiré]"


def test_an_indicator_edit_is_checked_too(client, auth, world, initiative_factory):
    initiative = initiative_factory()
    indicator = add_indicator(initiative, world.member)
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}/indicators/{indicator.id}/edit"
    response = post_form(client, url, {"name": "Enfants entendus", "unit": "", "description": IDENTIFYING,
                                       "measures": "reached"})
    assert response.status_code == 422
    db.session.expire_all()
    assert indicator.description == ""


def test_a_stage_comment_comes_back_with_the_warning_and_redacts_everywhere(client, auth, world, initiative_factory):
    initiative = initiative_factory(stage="idea")
    page_url = f"/initiatives/{initiative.id}"
    auth.login(world.member.email)
    data = {"to_stage": "design", "comment": "Premier entretien avec " + IDENTIFYING}
    response = post_form(client, f"{page_url}/stage", data, page=page_url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html and IDENTIFYING in html
    db.session.expire_all()
    assert initiative.stage == "idea"
    response = post_form(client, f"{page_url}/stage", {**data, "safeguarding": "redact"}, page=page_url)
    assert response.status_code == 302
    db.session.expire_all()
    assert initiative.stage == "design"
    change = db.session.scalar(db.select(StageChange).where(StageChange.to_stage == "design"))
    assert change.comment == "Premier entretien avec [retiré], vit au [retiré]"
    moved = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "initiative.stage"))
    assert moved.after["comment"] == change.comment


def test_a_curation_comment_is_checked(client, auth, world, initiative_factory):
    initiative = initiative_factory(status=Initiative.SUBMITTED)
    page_url = f"/initiatives/{initiative.id}"
    auth.login(world.moderator.email)
    data = {"action": "request_changes", "comment": "Retirez ceci : " + IDENTIFYING}
    response = post_form(client, f"{page_url}/curate", data, page=page_url)
    assert response.status_code == 422 and IDENTIFYING in response.get_data(as_text=True)
    db.session.expire_all()
    assert initiative.status == Initiative.SUBMITTED
