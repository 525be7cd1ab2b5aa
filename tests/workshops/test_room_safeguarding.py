"""The live room and what may identify a child: a chat message or question is refused with its
passages before anyone receives it; the sender redacts it, edits it, or sends it anyway (held:
only the sender, the facilitators and the moderators receive it); a facilitator redacts what was
already said, everywhere it was stored, and a reconnecting client never replays the original."""
import json

import pytest

from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.safeguarding.models import SensitiveItem
from sociallab.workshops import room
from sociallab.workshops.models import ChatMessage, Question, RoomEvent, Workshop
from tests.conftest import csrf_token_from

IDENTIFYING = "Awa Diop, 12 ans, vit au 14 rue Carnot"
# Not found by the detector: only a facilitator who knows the room can tell it names a child.
MISSED = "Notre jeune participant Koffi reviendra demain"


def _said(connection):
    """Everything a connection received, as text: what must not contain a redacted or held passage."""
    return json.dumps(connection.seen, ensure_ascii=False)


def _reconnect(connection, last_seq=0):
    """A new socket for the same person, catching up from `last_seq`; the events it replays."""
    connection.disconnect()
    connection.seen, connection.applied, connection.applied_upto = {}, [], 0
    connection.connect(join=False)
    ack = connection.sio.emit("join", {"last_seq": last_seq}, namespace="/workshops", callback=True)
    assert ack["ok"], ack
    # The numbered log has no gap for anyone, held items or not.
    assert [e["seq"] for e in ack["events"]] == list(range(last_seq + 1, last_seq + 1 + len(ack["events"])))
    return ack["events"]


@pytest.mark.parametrize("action", ["chat", "ask"])
def test_identifying_text_is_refused_with_its_passages_and_reaches_nobody(world, workshop, connect, action):
    fred, amy, moussa = (connect(world.facilitator, workshop), connect(world.member, workshop),
                         connect(world.member2, workshop))
    before = workshop.last_seq
    refused = amy.act(action, body=IDENTIFYING, client_id="s-1")
    assert refused["ok"] is False and refused["code"] == 422 and refused["can_hold"] is True
    assert refused["error"]  # in Aminata's language, with the passages to show her
    [field] = refused["safeguarding"]
    assert field["field"] == "body" and field["text"] == IDENTIFYING
    passages = [(IDENTIFYING[p["start"]:p["end"]], p["kind"]) for p in field["passages"]]
    assert ("Awa Diop, 12 ans", "name_age") in passages and all(p["reason"] for p in field["passages"])
    for other in (fred, moussa):
        other.drain()
        assert "Awa" not in _said(other)
    db.session.expire_all()
    assert db.session.get(Workshop, workshop.id).last_seq == before
    assert db.session.scalar(db.select(db.func.count(ChatMessage.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0
    assert db.session.scalar(db.select(db.func.count(SensitiveItem.id))) == 0


@pytest.mark.parametrize("action, model", [("chat", ChatMessage), ("ask", Question)])
def test_redact_choice_sends_the_redacted_text(world, workshop, connect, action, model):
    amy, moussa = connect(world.member, workshop), connect(world.member2, workshop)
    ack = amy.act(action, body=IDENTIFYING, client_id="s-2", safeguarding="redact")
    assert ack["ok"], ack
    moussa.drain()
    event = moussa.seen[ack["seq"]]
    assert event["data"]["body"].startswith("[retiré]") and "Awa" not in _said(moussa)
    assert "held" not in event["data"]
    stored = db.session.scalar(db.select(model))
    assert stored.body == event["data"]["body"] and not stored.sensitive


@pytest.mark.parametrize("action, model, kind", [("chat", ChatMessage, "chat_message"), ("ask", Question, "question")])
def test_sent_anyway_it_is_held_for_the_sender_facilitators_and_moderators_only(
        client, auth, world, workshop, connect, action, model, kind):
    fred, mona = connect(world.facilitator, workshop), connect(world.moderator, workshop)
    amy, moussa = connect(world.member, workshop), connect(world.member2, workshop)
    no_reason = amy.act(action, body=IDENTIFYING, client_id="s-3", safeguarding="publish")
    assert no_reason["code"] == 422 and no_reason["safeguarding"]
    ack = amy.act(action, body=IDENTIFYING, client_id="s-3", safeguarding="publish",
                  justification="The facilitators must know which child the hearing is about.")
    assert ack["ok"], ack
    seq = ack["seq"]
    for allowed in (fred, mona, amy):
        allowed.drain()
        assert allowed.seen[seq]["data"]["body"] == IDENTIFYING and allowed.seen[seq]["data"]["held"] is True
    moussa.drain()
    # Its number only: Moussa's sequence has no gap, and nothing of the text.
    assert moussa.seen[seq] == {"seq": seq, "kind": "held", "data": {}, "at": moussa.seen[seq]["at"]}
    assert "Awa" not in _said(moussa)
    # Nor on reconnection, nor on the room page; the facilitator finds it in both.
    assert "Awa" not in json.dumps(_reconnect(moussa), ensure_ascii=False)
    assert any(e["data"].get("body") == IDENTIFYING for e in _reconnect(fred))
    stored = db.session.scalar(db.select(model))
    assert stored.sensitive
    item = db.session.scalar(db.select(SensitiveItem))
    assert (item.item_type, item.item_id, item.status) == (kind, stored.id, SensitiveItem.HELD)
    page = f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/room"
    auth.login(world.member2.email)
    assert "Awa" not in client.get(page).get_data(as_text=True)
    auth.logout()
    auth.login(world.facilitator.email)
    assert IDENTIFYING in client.get(page).get_data(as_text=True)
    auth.logout()
    auth.login(world.moderator.email)
    assert client.get("/moderation/sensitive").status_code == 200
    # Up-voting a held question someone cannot see is refused like a question of another room.
    if model is Question:
        assert moussa.act("vote_question", question_id=stored.id)["ok"] is False


@pytest.mark.parametrize("action, redact_action, id_name", [
    ("chat", "redact_message", "message_id"), ("ask", "redact_question", "question_id")])
def test_facilitator_redacts_what_was_said_and_a_reconnecting_client_never_replays_it(
        world, workshop, connect, action, redact_action, id_name):
    fred, amy, moussa = (connect(world.facilitator, workshop), connect(world.member, workshop),
                         connect(world.member2, workshop))
    sent = amy.act(action, body=MISSED, client_id="s-4")
    assert sent["ok"]
    moussa.drain()
    item_id = moussa.seen[sent["seq"]]["data"]["id"]
    assert amy.act(redact_action, **{id_name: item_id, "passages": "Koffi"})["code"] == 403
    nothing = fred.act(redact_action, **{id_name: item_id})
    assert nothing["ok"] is False and nothing["code"] == 400  # nothing found, no passage named
    done = fred.act(redact_action, **{id_name: item_id, "passages": "Koffi"})
    assert done["ok"], done
    moussa.drain()
    update = moussa.seen[done["seq"]]
    assert update["kind"].endswith(".redacted") and update["data"]["id"] == item_id
    assert update["data"]["body"] == "Notre jeune participant [retiré] reviendra demain"
    # The stored message and the stored event that announced it are redacted: a client
    # catching up from the start never gets the original.
    assert "Koffi" not in json.dumps(_reconnect(moussa), ensure_ascii=False)
    db.session.expire_all()
    assert "Koffi" not in json.dumps([e.data for e in db.session.scalars(db.select(RoomEvent))])
    model = ChatMessage if action == "chat" else Question
    assert db.session.get(model, item_id).body == update["data"]["body"]
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "safeguarding.redacted"))
    assert entry.actor_id == world.facilitator.id and entry.after["passages"] == 1
    assert "Koffi" not in json.dumps([entry.before, entry.after])


def test_a_held_message_redacted_by_a_facilitator_is_shown_to_everyone_redacted(world, workshop, connect):
    fred, amy, moussa = (connect(world.facilitator, workshop), connect(world.member, workshop),
                         connect(world.member2, workshop))
    held = amy.act("chat", body=IDENTIFYING, client_id="s-5", safeguarding="publish", justification="Needed.")
    fred.drain()
    message_id = fred.seen[held["seq"]]["data"]["id"]
    done = fred.act("redact_message", message_id=message_id)
    assert done["ok"], done
    moussa.drain()
    update = moussa.seen[done["seq"]]
    assert update["kind"] == "chat.redacted" and "held" not in update["data"]
    assert "Awa" not in update["data"]["body"] and "[retiré]" in update["data"]["body"]
    replayed = _reconnect(moussa)
    original = next(e for e in replayed if e["seq"] == held["seq"])
    assert original["kind"] == "chat.message" and original["data"]["body"] == update["data"]["body"]
    assert "Awa" not in json.dumps(replayed, ensure_ascii=False)
    item = db.session.scalar(db.select(SensitiveItem))
    assert item.status == SensitiveItem.REDACTED and not db.session.get(ChatMessage, message_id).sensitive


def test_held_messages_and_questions_are_not_in_the_minutes(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    for action in ("chat", "ask"):
        assert amy.act(action, body=IDENTIFYING, client_id=f"m-{action}", safeguarding="publish",
                       justification="Needed.")["ok"]
    assert fred.act("end", include_chat=True)["ok"]
    db.session.expire_all()
    assert "Awa" not in db.session.get(Workshop, workshop.id).minutes


def _room(world, workshop):
    return f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/room"


def _post(client, world, workshop, action, data):
    html = client.get(_room(world, workshop)).get_data(as_text=True)
    return client.post(f"{_room(world, workshop)}/{action}", data={**data, "csrf_token": csrf_token_from(html)})


@pytest.mark.parametrize("action, model", [("chat", ChatMessage), ("ask", Question)])
def test_without_javascript_the_form_shows_the_passages_keeps_the_text_and_offers_the_choices(
        client, auth, world, workshop, action, model):
    auth.login(world.member.email)
    refused = _post(client, world, workshop, action, {"body": IDENTIFYING})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert '<mark class="identifying">Awa Diop, 12 ans</mark>' in html
    assert 'value="redact"' in html and 'value="publish"' in html and f'value="{IDENTIFYING}"' in html
    assert db.session.scalar(db.select(db.func.count(model.id))) == 0
    assert _post(client, world, workshop, action, {"body": IDENTIFYING, "safeguarding": "redact"}).status_code == 302
    assert db.session.scalar(db.select(model.body)).startswith("[retiré]")
    held = _post(client, world, workshop, action, {"body": IDENTIFYING + " !", "safeguarding": "publish",
                                                   "safeguarding_justification": "Needed for the hearing."})
    assert held.status_code == 302
    assert db.session.scalar(db.select(model).where(model.sensitive.is_(True))).body == IDENTIFYING + " !"
    auth.logout()
    auth.login(world.member2.email)
    assert "Awa" not in client.get(_room(world, workshop)).get_data(as_text=True)


def test_without_javascript_a_facilitator_removes_identifying_details(client, auth, world, workshop):
    room.send_chat(workshop, world.member, MISSED)
    message = db.session.scalar(db.select(ChatMessage))
    auth.login(world.facilitator.email)
    page = client.get(_room(world, workshop)).get_data(as_text=True)
    assert 'data-action="redact_message"' in page
    response = _post(client, world, workshop, "redact_message", {"message_id": message.id, "passages": "Koffi"})
    assert response.status_code == 302
    db.session.expire_all()
    assert "Koffi" not in db.session.get(ChatMessage, message.id).body
    auth.logout()
    auth.login(world.member2.email)
    page = client.get(_room(world, workshop)).get_data(as_text=True)
    assert "Koffi" not in page and 'data-action="redact_message"' not in page
