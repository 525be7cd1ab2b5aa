"""Safeguarding of a workshop's own texts (title, description, agenda, notes, minutes): the
warning before saving, one-click redaction, no "publish anyway" for a scheduled event, a
moderator's redaction after the fact, and minutes cleaned when a text they quote is redacted."""
import pytest
from sqlalchemy import update

from sociallab import safeguarding
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.knowledge.models import Resource
from sociallab.safeguarding import review
from sociallab.safeguarding.registry import content_type_of
from sociallab.safeguarding.screening import IdentifyingDetails, deciding
from sociallab.workshops import room
from sociallab.workshops.models import ChatMessage, RoomEvent, Workshop
from sociallab.workshops.room_log import append_event
from sociallab.workshops.safeguarding import checked_text, minutes_copies
from tests.conftest import post_form
from tests.factories.workshops import make_workshop

IDENTIFYING = "Awa Diop, 12 ans, vit au 14 rue Carnot"


def _schedule_data(world, **overrides):
    data = {"title": "Écouter les enfants au tribunal", "description": "Une séance **pratique**.",
            "agenda": "- Accueil\n- Études de cas", "lang": "fr", "timezone": "Africa/Dakar",
            "starts_at": "2031-03-10T09:00", "ends_at": "2031-03-10T11:00",
            "video_url": "", "capacity": "", "facilitators": str(world.facilitator.id)}
    data.update(overrides)
    return data


def _saved_before_checks(workshop, **texts):
    """Texts written before anything checked them (a bulk UPDATE is not screened)."""
    db.session.execute(update(Workshop).where(Workshop.id == workshop.id).values(**texts))
    db.session.commit()
    db.session.refresh(workshop)


def test_scheduling_warns_keeps_the_text_then_redacts_in_one_click(client, auth, world):
    auth.login(world.facilitator.email)
    url = f"/spaces/{world.sn_space.slug}/workshops/new"
    agenda = "- Accueil\n- Présentation du cas de " + IDENTIFYING
    response = post_form(client, url, _schedule_data(world, agenda=agenda))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html
    assert 'value="redact"' in html and "rue Carnot" in html and "Écouter les enfants au tribunal" in html
    # A scheduled event cannot wait hidden for a moderator: no "publish for review" here.
    assert 'value="publish"' not in html
    assert db.session.scalar(db.select(db.func.count(Workshop.id))) == 0
    response = post_form(client, url, _schedule_data(world, agenda=agenda, safeguarding="redact"))
    assert response.status_code == 302
    workshop = db.session.scalar(db.select(Workshop))
    assert "Awa Diop" not in workshop.agenda and "rue Carnot" not in workshop.agenda
    assert "[retiré]" in workshop.agenda and "- Accueil" in workshop.agenda


def test_editing_warns_keeps_the_text_and_refuses_publishing_anyway(client, auth, world):
    workshop = make_workshop(world, live=False)
    auth.login(world.facilitator.email)
    url = f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/edit"
    data = _schedule_data(world, description="Nous suivons " + IDENTIFYING + ".")
    response = post_form(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">' in html and "Nous suivons Awa Diop" in html
    db.session.refresh(workshop)
    assert workshop.description == "How to **listen**." and workshop.title == "Child-friendly hearings"
    # "Publish anyway" posted by hand is refused too: the text is kept and nothing is saved.
    response = post_form(client, url, {**data, "safeguarding": "publish", "safeguarding_justification": "besoin"})
    assert response.status_code == 422
    assert "Nous suivons Awa Diop" in response.get_data(as_text=True)
    db.session.refresh(workshop)
    assert workshop.description == "How to **listen**."
    response = post_form(client, url, {**data, "safeguarding": "redact"})
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert workshop.description == "Nous suivons [retiré], vit au [retiré]."
    # The audit entry keeps what was saved, not what was typed.
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "workshop.updated")).one()
    assert "Awa Diop" not in str(entry.after)


def test_notes_and_minutes_are_checked_whoever_saves_them(world):
    workshop = make_workshop(world)
    workshop.notes = "- " + IDENTIFYING
    with pytest.raises(IdentifyingDetails) as refused:
        db.session.commit()
    assert refused.value.status == 422 and not refused.value.can_hold
    assert refused.value.details["safeguarding"][0]["field"] == "notes"
    db.session.rollback()
    assert db.session.get(Workshop, workshop.id).notes == ""
    with deciding("redact"):
        workshop.minutes = "Compte rendu : " + IDENTIFYING
        db.session.commit()
    assert workshop.minutes == "Compte rendu : [retiré], vit au [retiré]"


def test_notes_saved_by_a_bulk_update_are_checked_before_it(app, world):
    """The shared notes are saved by an UPDATE guarded by their version, which the flush-time
    check does not see: checked_text gives what may be saved."""
    workshop = make_workshop(world)
    assert checked_text(workshop, "notes", "- Idée retenue") == "- Idée retenue"
    with app.test_request_context("/"):
        with pytest.raises(IdentifyingDetails) as refused:
            checked_text(workshop, "notes", IDENTIFYING)
        assert refused.value.screened[0].field == "notes"
        with deciding("publish", "urgent"), pytest.raises(IdentifyingDetails):
            checked_text(workshop, "notes", IDENTIFYING)
        with deciding("redact"):
            assert checked_text(workshop, "notes", IDENTIFYING) == "[retiré], vit au [retiré]"


def _end(app, workshop, facilitator, include_chat=False):
    with app.test_request_context("/"):
        room.end_session(workshop, facilitator, include_chat=include_chat)


def test_minutes_are_redacted_when_stored_so_ending_the_session_never_fails(app, world):
    workshop = make_workshop(world)
    # A text saved before anything checked it: the minutes quoting it must not keep it.
    _saved_before_checks(workshop, notes="Présentation du cas de " + IDENTIFYING)
    _end(app, workshop, world.facilitator)
    db.session.refresh(workshop)
    resource = db.session.get(Resource, workshop.minutes_resource_id)
    assert workshop.is_ended
    for text in (workshop.minutes, resource.body):
        assert "Awa Diop" not in text and "rue Carnot" not in text and "[retiré]" in text


def test_moderator_redacts_a_workshop_after_the_fact_with_its_minutes_and_replayed_notes(app, client, auth, world):
    workshop = make_workshop(world)
    notes = "- Suivi de " + IDENTIFYING
    _saved_before_checks(workshop, agenda="1. Le cas de " + IDENTIFYING, notes=notes)
    event = append_event(workshop, "notes.updated", world.facilitator, notes=notes, html=f"<p>{notes}</p>",
                         version=1)
    db.session.commit()
    _end(app, workshop, world.facilitator)
    # Minutes stored before the checks existed (a restored backup): they quote the originals.
    _saved_before_checks(workshop, minutes="## Notes\n\n" + notes)
    resource = db.session.get(Resource, workshop.minutes_resource_id)
    db.session.execute(update(Resource).where(Resource.id == resource.id).values(body="## Notes\n\n" + notes))
    db.session.commit()
    page = f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}"
    redact_url = f"/moderation/redact/workshop/{workshop.id}"

    auth.login(world.member.email)
    assert redact_url not in client.get(page).get_data(as_text=True)
    auth.logout()
    auth.login(world.moderator.email)
    assert redact_url in client.get(page).get_data(as_text=True)
    response = post_form(client, redact_url, {"passages": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(page)

    db.session.expire_all()
    workshop, resource, event = (db.session.get(Workshop, workshop.id), db.session.get(Resource, resource.id),
                                 db.session.get(RoomEvent, event.id))
    for text in (workshop.agenda, workshop.notes, workshop.minutes, resource.body, str(event.data)):
        assert "Awa Diop" not in text and "rue Carnot" not in text, text
    assert "[retiré]" in workshop.minutes and "[retiré]" in event.data["notes"]
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "safeguarding.redacted")).one()
    assert entry.target_type == "Workshop" and "Awa Diop" not in str(entry.after)


def test_minutes_quoting_a_chat_message_are_cleaned_when_it_is_redacted(app, world):
    if content_type_of(ChatMessage) is None:  # until the live room registers its chat itself
        safeguarding.register(app, ChatMessage, "chat_message", ("body",), label="chat message",
                              space_id=lambda message: world.sn_space.id, url=lambda message: "/",
                              copies=minutes_copies)
    workshop = make_workshop(world)
    room.send_chat(workshop, world.facilitator, "On se retrouve au centre Baobab jeudi prochain")
    _end(app, workshop, world.facilitator, include_chat=True)
    db.session.refresh(workshop)
    resource = db.session.get(Resource, workshop.minutes_resource_id)
    assert "centre Baobab" in workshop.minutes and "centre Baobab" in resource.body
    message = db.session.scalar(db.select(ChatMessage).where(ChatMessage.workshop_id == workshop.id))
    assert review.redact(message, world.moderator, ["centre Baobab"]) == 1
    db.session.expire_all()
    workshop, resource = db.session.get(Workshop, workshop.id), db.session.get(Resource, resource.id)
    assert "Baobab" not in workshop.minutes and "Baobab" not in resource.body
    assert "On se retrouve au [retiré] jeudi" in workshop.minutes and "[retiré]" in resource.body


def test_minutes_leave_out_what_is_still_held(app, world):
    workshop = make_workshop(world)
    room.send_chat(workshop, world.facilitator, "Bienvenue à toutes et à tous")
    with deciding("publish", "Le juge doit connaître son nom"):
        room.send_chat(workshop, world.facilitator, "Le cas de " + IDENTIFYING)
        room.ask_question(workshop, world.facilitator, "Que faire pour " + IDENTIFYING + " ?")
    held = db.session.scalars(db.select(ChatMessage).where(ChatMessage.sensitive.is_(True))).all()
    assert len(held) == 1
    _end(app, workshop, world.facilitator, include_chat=True)
    db.session.refresh(workshop)
    assert "Bienvenue à toutes et à tous" in workshop.minutes
    assert "Le cas de" not in workshop.minutes and "Que faire pour" not in workshop.minutes


def test_notes_form_without_javascript_warns_and_keeps_the_text_then_redacts(client, auth, world):
    workshop = make_workshop(world)
    auth.login(world.facilitator.email)
    room_url = f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/room"
    data = {"notes": "- Suivi de " + IDENTIFYING, "version": "0"}
    response = post_form(client, room_url + "/notes", data, page=room_url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html and "- Suivi de Awa Diop" in html
    db.session.refresh(workshop)
    assert workshop.notes == ""
    response = post_form(client, room_url + "/notes", {**data, "safeguarding": "redact"}, page=room_url)
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert workshop.notes == "- Suivi de [retiré], vit au [retiré]"
