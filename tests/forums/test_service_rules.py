"""Forum services decide who may act and commit their change, whoever calls them (not only the pages)."""
import pytest

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.forums import flags, moderation, reading, services
from sociallab.forums.checks import ForumError
from sociallab.forums.models import Flag, Post, Watch
from tests.conftest import post_form


def _refusal(call, *args, **kwargs):
    with pytest.raises(ForumError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def test_a_service_refuses_a_reader_without_the_right_403_and_a_non_reader_404(world, forum):
    post = services.reply(forum.thread, world.member2, "Une réponse", "fr").post
    assert isinstance(_refusal(moderation.set_hidden, post, world.member), ServiceError)
    assert _refusal(moderation.set_hidden, post, world.member).status == 403
    assert _refusal(services.edit_post, post, world.member, "Réécrit", "fr").status == 403
    assert _refusal(flags.flag_post, forum.first, world.member, "spam").status == 403  # one's own post
    assert _refusal(services.reply, forum.thread, world.other_member, "Hola", "es").status == 404
    assert _refusal(reading.watch, world.other_member, thread=forum.thread).status == 404
    assert _refusal(services.update_category, forum.category, world.member, title="Autre").status == 403
    assert post.hidden_at is None and post.body == "Une réponse" and forum.category.title == "Pratiques"
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 2
    assert db.session.scalar(db.select(db.func.count(Flag.id))) == 0


def test_a_locked_thread_refuses_a_members_reply_and_takes_a_moderators(world, forum):
    moderation.set_thread_state(forum.thread, world.moderator, locked=True)
    assert _refusal(services.reply, forum.thread, world.member2, "Encore", "fr").status == 403
    assert services.reply(forum.thread, world.moderator, "Fil verrouillé", "fr").post.id


def test_a_change_is_committed_by_its_service(world, forum):
    post = services.reply(forum.thread, world.member2, "Gardée", "fr").post
    reading.watch(world.moderator, category=forum.category)
    db.session.rollback()  # what a caller's error handling may do after the call: the change stays
    assert db.session.get(Post, post.id).body == "Gardée"
    assert db.session.scalar(db.select(Watch.id).where(Watch.user_id == world.moderator.id,
                                                       Watch.category_id == forum.category.id)) is not None


def test_a_flag_resolved_twice_is_a_conflict_told_to_the_moderator(client, auth, world, forum):
    post = services.reply(forum.thread, world.member2, "Contenu douteux", "fr").post
    flag = flags.flag_post(post, world.member, "spam")
    flags.resolve_flag(flag, world.moderator, "dismissed")
    assert _refusal(flags.resolve_flag, flag, world.moderator, "hidden").status == 409
    assert db.session.get(Post, post.id).hidden_at is None
    auth.login(world.moderator.email)
    response = post_form(client, f"/forums/flags/{flag.id}/resolve", {"outcome": "hidden"},
                         page="/spaces/country-sn/forums/review")
    assert response.status_code == 302
    assert "already been resolved" in client.get(response.headers["Location"]).get_data(as_text=True)
