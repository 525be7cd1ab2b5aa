"""Factories for forums: a category with a first thread, and replies posted through the form."""
from types import SimpleNamespace

from sociallab.extensions import db
from sociallab.forums import services


def forum(world):
    """A "Pratiques" category in the Senegal space with one thread started by world.member."""
    category = services.create_category(world.sn_space, "Pratiques", "Échanges de pratiques", "fr",
                                        world.moderator)
    thread, published = services.create_thread(category, "Écoute des enfants", "Premier message", world.member, "fr")
    db.session.commit()
    return SimpleNamespace(category=category, thread=thread, first=published.post)


def reply_through_form(client, thread, body, action="publish", lang="fr", **extra):
    """Post a reply as the signed-in person, with the CSRF token of the thread page."""
    from tests.conftest import csrf_token_from
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    return client.post(f"/forums/threads/{thread.id}/reply",
                       data={"body": body, "lang": lang, "action": action,
                             "csrf_token": csrf_token_from(page), **extra})
