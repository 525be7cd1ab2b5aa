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


def test_editing_the_first_post_refreshes_the_thread_in_search(world, forum):
    assert f"thread:{forum.thread.id}" not in ids(world.member, "tambour")
    services.edit_post(forum.first, world.member, "Un atelier avec un tambour", "fr")
    db.session.commit()
    assert f"thread:{forum.thread.id}" in ids(world.member, "tambour")
    assert f"thread:{forum.thread.id}" not in ids(world.member, "premier")


def test_hiding_the_first_post_takes_its_text_out_of_the_thread_entry(world, forum):
    services.edit_post(forum.first, world.member, "Un atelier avec un tambour", "fr")
    db.session.commit()
    services.set_hidden(forum.first, world.moderator)
    db.session.commit()
    assert f"thread:{forum.thread.id}" not in ids(world.member2, "tambour")


def test_editing_a_reply_leaves_the_thread_entry_alone(world, forum):
    post = services.reply(forum.thread, world.member2, "Une réponse", "fr").post
    db.session.commit()
    services.edit_post(post, world.member2, "Une réponse sur le tambour", "fr")
    db.session.commit()
    assert f"thread:{forum.thread.id}" not in ids(world.member, "tambour")
    assert f"post:{post.id}" in ids(world.member, "tambour")
