"""Questions, polls, raised hands and shared notes: the rules people rely on in a live room."""
from sociallab.extensions import db
from sociallab.workshops import room
from sociallab.workshops.models import Poll
from sociallab.workshops.poll_results import poll_counts
from sociallab.workshops.room_questions import questions


def test_question_upvoted_once_per_person_and_ordered_by_votes(world, workshop, connect):
    amy, moussa, fred = connect(world.member, workshop), connect(world.member2, workshop), \
        connect(world.facilitator, workshop)
    first = amy.act("ask", body="First question")["seq"]
    second = amy.act("ask", body="Second question")["seq"]
    q1, q2 = amy.seen[first]["data"]["id"], amy.seen[second]["data"]["id"]
    assert moussa.act("vote_question", question_id=q2)["ok"]
    again = moussa.act("vote_question", question_id=q2)
    assert not again["ok"] and "déjà" in again["error"]
    assert fred.act("vote_question", question_id=q2)["ok"]
    assert amy.act("vote_question", question_id=q1)["ok"]
    assert [(q.body, q.votes) for q in questions(workshop)] == [("Second question", 2), ("First question", 1)]
    fred.drain()
    assert fred.seen[fred.last_seq]["data"] == {"id": q1, "votes": 1}


def test_facilitator_marks_a_question_answered_and_highlighted(world, workshop, connect):
    amy, fred = connect(world.member, workshop), connect(world.facilitator, workshop)
    qid = amy.seen[amy.act("ask", body="Who decides?")["seq"]]["data"]["id"]
    assert fred.act("mark_question", question_id=qid, answered=True)["ok"]
    assert fred.act("mark_question", question_id=qid, highlighted=True)["ok"]
    amy.drain()
    assert amy.seen[amy.last_seq]["data"] == {"id": qid, "answered": True, "highlighted": True}


def test_poll_vote_counts_once_and_can_change_until_closed(world, workshop, connect):
    fred, amy, moussa = connect(world.facilitator, workshop), connect(world.member, workshop), \
        connect(world.member2, workshop)
    opened = fred.act("open_poll", question="Best time?", options=["Morning", "Evening"])
    poll = fred.seen[opened["seq"]]["data"]
    morning, evening = (o["id"] for o in poll["options"])
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[morning])["ok"]
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[morning])["ok"]
    assert moussa.act("vote_poll", poll_id=poll["id"], option_ids=[morning])["ok"]
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[evening])["ok"]
    fred.drain()
    live = fred.seen[fred.last_seq]["data"]
    assert live["counts"] == {str(morning): 1, str(evening): 1} and live["voters"] == 2
    assert not amy.act("vote_poll", poll_id=poll["id"], option_ids=[morning, evening])["ok"]  # single choice
    assert fred.act("close_poll", poll_id=poll["id"])["ok"]
    late = moussa.act("vote_poll", poll_id=poll["id"], option_ids=[evening])
    assert not late["ok"] and "clos" in late["error"]
    assert poll_counts(db.session.get(Poll, poll["id"])) == {str(morning): 1, str(evening): 1}


def test_multiple_choice_poll_takes_several_options(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    poll = fred.seen[fred.act("open_poll", question="Topics?", options=["A", "B", "C"], multiple=True)["seq"]]["data"]
    a, b, c = (o["id"] for o in poll["options"])
    assert amy.act("vote_poll", poll_id=poll["id"], option_ids=[a, c])["ok"]
    assert poll_counts(db.session.get(Poll, poll["id"])) == {str(a): 1, str(b): 0, str(c): 1}
    assert not amy.act("vote_poll", poll_id=poll["id"], option_ids=[999])["ok"]


def test_poll_needs_two_options(world, workshop, connect):
    fred = connect(world.facilitator, workshop)
    refused = fred.act("open_poll", question="Alone?", options=["only one", "  "])
    assert not refused["ok"] and "two options" in refused["error"]  # Fred reads English


def test_raised_hands_in_order_lowered_by_self_or_facilitator(world, workshop, connect):
    fred, amy, moussa = connect(world.facilitator, workshop), connect(world.member, workshop), \
        connect(world.member2, workshop)
    moussa.act("raise_hand")
    amy.act("raise_hand")
    amy.act("raise_hand")  # already up: stays in its place
    assert [h.user.name for h in room.raised_hands(workshop)] == ["Moussa Sénégal", "Aminata Sénégal"]
    assert fred.act("lower_hand", user_id=world.member2.id)["ok"]
    assert [h.user.name for h in room.raised_hands(workshop)] == ["Aminata Sénégal"]
    assert amy.act("lower_hand")["ok"]
    assert room.raised_hands(workshop) == []


def test_stale_note_edit_is_refused_and_shown_the_newer_text(world, workshop, connect):
    from sociallab.accounts.models import SpaceRole
    from tests import factories
    other = factories.user("facilitator2@example.org", None, name="Fanta Facilitator")
    factories.role(other, SpaceRole.FACILITATOR, world.sn_space)
    db.session.commit()
    fred, fanta = connect(world.facilitator, workshop), connect(other, workshop)
    assert fred.act("notes", notes="Fred's notes", version=0)["ok"]
    stale = fanta.act("notes", notes="Fanta's notes", version=0)
    assert not stale["ok"] and stale["code"] == 409
    assert stale["notes"] == "Fred's notes" and stale["version"] == 1
    assert fanta.act("notes", notes="Fred's notes\nFanta's notes", version=1)["ok"]
    db.session.refresh(workshop)
    assert workshop.notes == "Fred's notes\nFanta's notes" and workshop.notes_version == 2


def test_removed_message_text_is_not_replayed_to_a_late_client(world, workshop, connect):
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    sent = amy.act("chat", body="my phone is 555 0100")
    message_id = amy.seen[sent["seq"]]["data"]["id"]
    assert fred.act("remove_message", message_id=message_id)["ok"]
    late = connect(world.member2, workshop)
    assert late.seen[sent["seq"]]["data"]["body"] == ""
    assert late.seen[sent["seq"]]["data"]["removed"] is True
    assert "chat.removed" in late.kinds()


def test_live_notes_reach_participants_as_sanitised_html(world, workshop, connect):
    """Participants see the notes formatted as on the room page, never a script someone typed."""
    fred, amy = connect(world.facilitator, workshop), connect(world.member, workshop)
    notes = "## Décisions\n\n- **Écouter** l'enfant\n\n<script>alert(1)</script> [x](javascript:alert(2))"
    assert fred.act("notes", notes=notes, version=0)["ok"]
    amy.drain()
    event = amy.seen[amy.last_seq]
    assert event["kind"] == "notes.updated" and event["data"]["notes"] == notes
    html = event["data"]["html"]
    assert "<h2>Décisions</h2>" in html and "<strong>Écouter</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
