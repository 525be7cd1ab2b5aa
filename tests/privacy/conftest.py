"""A member with something of every kind the platform keeps: what the export carries and the deletion erases."""
from datetime import date
from types import SimpleNamespace

import pytest

from sociallab.accounts import services as accounts
from sociallab.accounts.models import SpaceRole
from sociallab.extensions import db
from sociallab.forums import flags
from sociallab.forums import services as forums
from sociallab.initiatives.services import add_journal_entry
from sociallab.knowledge.models import Resource
from sociallab.knowledge.services import create_resource
from sociallab.workshops import room
from sociallab.workshops import services as workshops
from tests import factories
from tests.knowledge import files


@pytest.fixture
def footprint(app, world):
    """world.member (Aminata Sénégal, member.sn@example.org) writes, uploads, registers and chats;
    others quote, notify and audit her."""
    me, other = world.member, world.member2
    factories.role(me, SpaceRole.FACILITATOR, world.sn_space)
    db.session.commit()
    forum = factories.forum(world)
    first = forum.first
    forums.edit_post(first, me, "Premier message, revu", "fr")
    db.session.commit()
    # Others quote her (the quote names her) and she replies (notifying them).
    quoted = forums.reply(forum.thread, other, forums.quote_text(first) + "Merci !", "fr", quoted=first).post
    mine = forums.reply(forum.thread, me, f"Avec plaisir @{other.handle}", "fr").post
    flags.flag_post(quoted, me, "other", "Une note de signalement")
    initiative = factories.make_initiative(world, author=me, title="Salle d'écoute")
    add_journal_entry(initiative, me, date(2025, 3, 1), "Essayé", "Observé", "Ajusté", "fr")
    db.session.commit()
    published = create_resource(world.sn_space, me, "guide", "Guide publié", "", "Corps", "fr",
                                file=("guide.pdf", files.pdf("Guide de protection")))
    draft = create_resource(world.sn_space, me, "guide", "Brouillon", "", "", "fr", status=Resource.DRAFT,
                            file=("brouillon.pdf", files.pdf("Notes de Aminata Sénégal")))
    workshop = factories.make_workshop(world)
    workshops.register(workshop, me)
    room.join_room(workshop, me, "sid-me")
    room.send_chat(workshop, me, "Bonjour à toutes et tous")
    room.ask_question(workshop, me, "Comment accueillir l'enfant ?")
    room.update_notes(workshop, me, "Notes partagées par la facilitation", 0)
    room.raise_hand(workshop, me)
    with app.test_request_context():
        room.end_session(workshop, world.facilitator, include_chat=True)
    # An administrator's audit entry holds her address (an invitation to it).
    accounts.invite(world.admin, me.email, world.sn_org)
    # She invited someone herself (she is her organisation's focal point).
    accounts.invite(me, "nouvelle.collegue@example.org", world.sn_org)
    db.session.commit()
    return SimpleNamespace(person=me, name=me.name, email=me.email, handle=me.handle, thread=forum.thread,
                           first=first, quoted=quoted, mine=mine, initiative=initiative, published=published,
                           draft=draft, workshop=workshop)
