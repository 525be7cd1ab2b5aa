"""Flags: readers report a post, the space's moderators find it in their review queue and resolve it."""
from sqlalchemy.orm import joinedload

from sociallab import permissions
from sociallab.audit.services import record
from sociallab.extensions import db
from sociallab.forums.checks import check_flag_post, check_moderate, check_resolve_flag
from sociallab.forums.models import Flag, Post
from sociallab.forums.moderation import apply_hidden, apply_thread_state
from sociallab.i18n import utcnow
from sociallab.notifications.services import notify


def flag_post(post, flagger, reason, note=""):
    """Report a post to the moderators of its space; one open flag per person and post (a second
    report replaces the reason and note of the first)."""
    check_flag_post(post, flagger, reason)
    flag = db.session.scalar(db.select(Flag).where(
        Flag.post_id == post.id, Flag.flagger_id == flagger.id, Flag.resolved_at.is_(None)))
    if flag is not None:
        flag.reason, flag.note = reason, (note or "").strip()
    else:
        flag = Flag(post_id=post.id, space_id=post.thread.space_id, flagger_id=flagger.id, reason=reason,
                    note=(note or "").strip())
        db.session.add(flag)
        notify_space_moderators(post.thread)
    db.session.commit()
    return flag


def notify_space_moderators(thread):
    """Tell whoever can act that the space's review queue has work: the moderators named for the
    space, else (a space without its own) the moderators of every space."""
    url = f"/spaces/{thread.space.slug}/forums/review"
    for moderator in permissions.moderators_to_tell(thread.space):
        notify(moderator, "forums.flagged", url=url, space=thread.space, title=thread.title)


def review_queue(space, moderator):
    """The review queue for a moderator of the space (see open_flags)."""
    check_moderate(space, moderator)
    return open_flags(space)


def open_flags(space):
    """The open flags of a space with their post, thread and people, oldest first."""
    return db.session.scalars(
        db.select(Flag).options(joinedload(Flag.post).joinedload(Post.thread),
                                joinedload(Flag.post).joinedload(Post.author),
                                joinedload(Flag.flagger))
        .where(Flag.space_id == space.id, Flag.resolved_at.is_(None))
        .order_by(Flag.created_at, Flag.id)).all()


def open_flag_count(space):
    return db.session.scalar(db.select(db.func.count(Flag.id)).where(
        Flag.space_id == space.id, Flag.resolved_at.is_(None)))


def resolve_flag(flag, moderator, outcome, message=""):
    """Act on a flag: hide the post, dismiss, lock the thread or warn the author.

    Every open flag on the same post is resolved with it; each flagger is told the outcome, the
    author of a hidden post is told why (the reasons given and the moderator's message), and the
    action is audited.
    """
    check_resolve_flag(flag, moderator, outcome)
    post = flag.post
    thread = post.thread
    if outcome == "hidden":
        apply_hidden(post, moderator, True)
    elif outcome == "locked":
        apply_thread_state(thread, moderator, locked=True)
    elif outcome == "warned" and post.author is not None:
        notify(post.author, "forums.warning", url=post.url, space=thread.space, title=thread.title,
               text=(message or "").strip()[:500])
    now = utcnow()
    flags = db.session.scalars(db.select(Flag).where(Flag.post_id == post.id,
                                                     Flag.resolved_at.is_(None))).all()
    if outcome == "hidden" and post.author is not None:
        reasons = sorted({each.reason for each in flags}, key=Flag.REASONS.index)
        notify(post.author, "forums.post_hidden", url=post.url, space=thread.space, title=thread.title,
               reasons=reasons, text=(message or "").strip()[:500])
    for each in flags:
        each.resolved_at, each.resolved_by_id, each.outcome = now, moderator.id, outcome
        if each.flagger is not None:
            notify(each.flagger, f"forums.flag_{outcome}", url=thread.url, space=thread.space,
                   title=thread.title)
    record(moderator, "forums.flag.resolve", flag, after={"outcome": outcome, "post_id": post.id,
                                                          "flags": len(flags), "message": message or ""},
           space_id=thread.space_id)
    db.session.commit()
    return flags
