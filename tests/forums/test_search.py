"""Threads and posts are found by search, only by those who may read them."""
from sociallab import search
from sociallab.extensions import db
from sociallab.forums import moderation, services


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
    moderation.set_hidden(post, world.moderator)
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
    moderation.set_hidden(forum.first, world.moderator)
    db.session.commit()
    assert f"thread:{forum.thread.id}" not in ids(world.member2, "tambour")


def test_editing_a_reply_leaves_the_thread_entry_alone(world, forum):
    post = services.reply(forum.thread, world.member2, "Une réponse", "fr").post
    db.session.commit()
    services.edit_post(post, world.member2, "Une réponse sur le tambour", "fr")
    db.session.commit()
    assert f"thread:{forum.thread.id}" not in ids(world.member, "tambour")
    assert f"post:{post.id}" in ids(world.member, "tambour")


def test_rebuilding_the_index_reads_threads_without_a_query_per_thread(world, forum):
    from sociallab.forums.models import Category
    from sociallab.search.commands import database_documents
    from tests.querycount import count_queries

    def thread_documents():
        db.session.expunge_all()
        with count_queries() as statements:
            documents = [d for d in database_documents() if d and d["id"].startswith("thread:")]
        return documents, len(statements)

    category_id, author_id = forum.category.id, world.member.id
    few, few_queries = thread_documents()
    category, author = db.session.get(Category, category_id), db.session.get(type(world.member), author_id)
    for n in range(10):
        services.create_thread(category, f"Sujet {n}", f"Premier message {n}", author, "fr")
    db.session.commit()
    many, many_queries = thread_documents()
    assert len(many) == len(few) + 10
    assert many_queries == few_queries
    first = next(d for d in many if d["title"] == "Sujet 3")
    assert first["body"] == "Premier message 3"
