"""Access rows for the forums and notifications, and the live-reply socket's expectations."""
from tests.access_tables import LOGIN, Row, expect, signed_in_only, space_members


def mods_only(ok=200):
    """Moderators of the Senegal space and administrators; other readers get 403, outsiders 404."""
    return space_members(403, moderator=ok) | {"admin": ok}


def author_or_mods(ok=200):
    """world.member (the author) and the moderators; other readers 403, outsiders 404."""
    return mods_only(ok) | {"member": ok}


# Who receives a reply pushed on the thread's Socket.IO room (tests/forums/test_live.py).
SOCKET_RECEIVES = expect(True, anonymous=False, other_member=False, volunteer_out=False)


def setup(world):
    from sociallab.extensions import db
    from sociallab.forums import flags, moderation, services
    from sociallab.notifications.services import notify
    w = world
    w.forum_category = services.create_category(w.sn_space, "Pratiques", "", "fr", w.moderator)
    w.forum_other_category = services.create_category(w.sn_space, "Annonces", "", "fr", w.moderator)
    w.forum_thread, published = services.create_thread(w.forum_category, "Écoute", "Bonjour", w.member, "fr")
    w.forum_post = published.post
    w.forum_post_by_member2 = services.reply(w.forum_thread, w.member2, "Réponse", "fr").post
    w.forum_post_to_delete = services.reply(w.forum_thread, w.member2, "À retirer", "fr").post
    w.forum_hidden_post = services.reply(w.forum_thread, w.member, "Caché", "fr").post
    moderation.set_hidden(w.forum_hidden_post, w.moderator)
    services.edit_post(w.forum_post, w.member, "Bonjour à toutes et tous", "fr")
    w.forum_flag = flags.flag_post(w.forum_post_by_member2, w.member, "spam")
    pe_category = services.create_category(w.pe_space, "Prácticas", "", "es", w.admin)
    w.pe_thread, _ = services.create_thread(pe_category, "Escucha", "Hola", w.other_member, "es")
    w.member_notification = notify(w.member, "generic", url="/spaces", text="hello")
    db.session.commit()


SN = "/spaces/country-sn"
POST = {"body": "Un message", "lang": "fr", "action": "publish"}

ROWS = [
    Row("forums.index", lambda w: f"{SN}/forums", space_members()),
    Row("forums.new_category", lambda w: f"{SN}/forums/categories/new", mods_only()),
    Row("forums.new_category", lambda w: f"{SN}/forums/categories/new", mods_only(302), method="POST",
        data=lambda w: {"title": "Nouvelle", "lang": "fr", "position": "5"}),
    Row("forums.edit_category", lambda w: f"/forums/categories/{w.forum_category.id}/edit", mods_only()),
    Row("forums.edit_category", lambda w: f"/forums/categories/{w.forum_category.id}/edit", mods_only(302),
        method="POST", data=lambda w: {"title": "Pratiques", "lang": "fr", "position": "1"}),
    Row("forums.category", lambda w: f"/forums/categories/{w.forum_category.id}", space_members()),
    Row("forums.watch_category", lambda w: f"/forums/categories/{w.forum_category.id}/watch", space_members(302),
        method="POST", data=lambda w: {"watch": "1"}),
    Row("forums.new_thread", lambda w: f"/forums/categories/{w.forum_category.id}/new", space_members()),
    Row("forums.new_thread", lambda w: f"/forums/categories/{w.forum_category.id}/new", space_members(302),
        method="POST", data=lambda w: {**POST, "title": "Un fil"}),
    Row("forums.thread", lambda w: f"/forums/threads/{w.forum_thread.id}", space_members()),
    Row("forums.thread", lambda w: f"/forums/threads/{w.pe_thread.id}",
        expect(404, anonymous=LOGIN, other_member=200, admin=200), id="peru thread"),
    Row("forums.thread", lambda w: "/forums/threads/999999", expect(404, anonymous=LOGIN), id="missing thread"),
    Row("forums.reply", lambda w: f"/forums/threads/{w.forum_thread.id}/reply", space_members(302),
        method="POST", data=lambda w: POST),
    Row("forums.watch_thread", lambda w: f"/forums/threads/{w.forum_thread.id}/watch", space_members(302),
        method="POST", data=lambda w: {"watch": "1"}),
    Row("forums.thread_state", lambda w: f"/forums/threads/{w.forum_thread.id}/state", mods_only(302),
        method="POST", data=lambda w: {"action": "pin"}),
    Row("forums.move_thread", lambda w: f"/forums/threads/{w.forum_thread.id}/move", mods_only()),
    Row("forums.move_thread", lambda w: f"/forums/threads/{w.forum_thread.id}/move", mods_only(302),
        method="POST", data=lambda w: {"category": str(w.forum_other_category.id)}),
    Row("forums.post_fragment", lambda w: f"/forums/posts/{w.forum_post.id}", space_members()),
    Row("forums.post_fragment", lambda w: f"/forums/posts/{w.forum_hidden_post.id}",
        space_members(404, moderator=200) | {"member": 200, "admin": 200}, id="hidden post"),
    Row("forums.go_to_post", lambda w: f"/forums/posts/{w.forum_post.id}/go", space_members(302)),
    Row("forums.go_to_post", lambda w: f"/forums/posts/{w.forum_hidden_post.id}/go",
        space_members(404, moderator=302) | {"member": 302, "admin": 302}, id="go to a hidden post"),
    Row("forums.first_unread", lambda w: f"/forums/threads/{w.forum_thread.id}/unread", space_members(302)),
    Row("forums.first_unread", lambda w: f"/forums/threads/{w.pe_thread.id}/unread",
        expect(404, anonymous=LOGIN, other_member=302, admin=302), id="first unread of another country's thread"),
    Row("forums.edit_post", lambda w: f"/forums/posts/{w.forum_post.id}/edit", author_or_mods()),
    Row("forums.edit_post", lambda w: f"/forums/posts/{w.forum_post.id}/edit", author_or_mods(302),
        method="POST", data=lambda w: POST),
    Row("forums.post_history", lambda w: f"/forums/posts/{w.forum_post.id}/history", mods_only()),
    Row("forums.delete_post", lambda w: f"/forums/posts/{w.forum_post.id}/delete", author_or_mods()),
    # The moderator removes it first; for the administrator it is already removed.
    Row("forums.delete_post", lambda w: f"/forums/posts/{w.forum_post_to_delete.id}/delete",
        mods_only(302) | {"admin": (302, 403)}, method="POST"),
    Row("forums.hide_post", lambda w: f"/forums/posts/{w.forum_post_by_member2.id}/hide", mods_only(302),
        method="POST", data=lambda w: {"hidden": "0"}),
    Row("forums.flag_post", lambda w: f"/forums/posts/{w.forum_post_by_member2.id}/flag", space_members()),
    Row("forums.flag_post", lambda w: f"/forums/posts/{w.forum_post_by_member2.id}/flag", space_members(302),
        method="POST", data=lambda w: {"reason": "off_topic"}),
    Row("forums.review", lambda w: f"{SN}/forums/review", mods_only()),
    Row("forums.resolve_flag", lambda w: f"/forums/flags/{w.forum_flag.id}/resolve", mods_only(302),
        method="POST", data=lambda w: {"outcome": "dismissed"}),
    Row("notifications.index", lambda w: "/notifications", signed_in_only()),
    Row("notifications.read", lambda w: f"/notifications/{w.member_notification.id}/read",
        expect(404, anonymous=LOGIN, member=302), method="POST", data=lambda w: {"go": "1"}),
    Row("notifications.read_all", lambda w: "/notifications/read-all", signed_in_only(302), method="POST"),
]
