"""Threads and posts are found by search, only by those who may read them."""
from sociallab import search
from sociallab.extensions import db
from sociallab.forums import services


def ids(user, text):
    return {hit.id if hasattr(hit, "id") else hit["id"] for hit in search.query(user, text).hits}


def test_posts_are_found_by_readers_of_the_space_only(world, forum):
    post = services.reply(forum.thread, world.member2, "La médiation familiale fonctionne", "fr").post
    db.session.commit()
    assert f"post:{post.id}" in ids(world.member, "médiation")
    assert f"post:{post.id}" not in ids(world.other_member, "médiation")
    assert f"thread:{forum.thread.id}" in ids(world.member, "écoute")


def test_hidden_post_is_found_by_moderators_and_author_only_and_deleted_by_nobody(world, forum):
    post = services.reply(forum.thread, world.member2, "Un passage sensible inattendu", "fr").post
    db.session.commit()
    services.set_hidden(post, world.moderator)
    db.session.commit()
    assert f"post:{post.id}" not in ids(world.member, "inattendu")
    assert f"post:{post.id}" in ids(world.member2, "inattendu")
    assert f"post:{post.id}" in ids(world.moderator, "inattendu")
    services.delete_post(post, world.member2)
    db.session.commit()
    assert f"post:{post.id}" not in ids(world.moderator, "inattendu")
