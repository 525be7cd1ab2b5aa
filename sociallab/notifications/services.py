"""Create notifications and deliver them by e-mail, each person as they chose.

`notify()` only adds a row to the current transaction. Delivery follows the person's
`notify_email` choice:

- immediate: the notification is claimed (emailed_at set) inside the same commit, and the mail
  is sent right after that commit succeeds; a rolled-back notification is never mailed;
- daily: `send_digests()` (the `flask sociallab send-digests` command) gathers what is unread
  and not yet mailed into one message; claiming before sending makes a second run send nothing;
- never: nothing is mailed; the bell and the notifications page still show it.

This works for every domain's kinds: messages come from `notifications.messages`.
"""
import logging
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import joinedload

from sociallab import permissions
from sociallab.accounts.models import User
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import send_mail, site_url
from sociallab.notifications import messages
from sociallab.notifications.models import Notification

log = logging.getLogger(__name__)

_PENDING = "notifications_pending"   # session.info: notifications added, not committed yet
_TO_MAIL = "notifications_to_mail"   # session.info: claimed in this commit, to mail after it
_WITHHELD = "notifications_withheld_by"  # session.info: the held item this change's notifications wait for
PER_PAGE = 30
DIGEST_WINDOW = timedelta(days=7)    # older unread items are not worth a mail any more


class NotificationError(ServiceError):
    """A change to notifications refused; the message is shown to the person, `status` says how."""


def notify(user, kind, url="", space=None, **data):
    """Queue a notification for `user` in the current transaction and return it.

    Delivery by e-mail (immediate or daily digest) is decided by the person's preference
    when the transaction commits.
    """
    if user is None or not user.active:
        return None
    notification = Notification(user_id=user.id, kind=kind, url=url, data=data,
                                space_id=space.id if space is not None else None)
    notification.user = user
    held = db.session.info.get(_WITHHELD)
    if held is not None and not kind.startswith("safeguarding."):
        notification.held_item = held
    db.session.add(notification)
    db.session.info.setdefault(_PENDING, []).append(notification)
    return notification


def _still_readable(user):
    """A notification about a space counts only while its reader may still read that space.

    Access can end after a notification was made (a lost mandate, an archived space, a moved
    item): its title and link must not outlive it, in the bell, the page or a digest.
    """
    return _readable_in(sorted(permissions.readable_space_ids(user)))


def _readable_in(space_ids):
    """_still_readable for the reader of `space_ids` (a list, or a parameter of a statement)."""
    return db.and_(db.or_(Notification.space_id.is_(None), Notification.space_id.in_(space_ids)),
                   permissions.notification_released())


def withhold_with(session, item):
    """The notifications of this change (made so far and from now on) are about `item`, held
    as sensitive: they wait for the moderators' decision (`release`)."""
    session.info[_WITHHELD] = item
    for notification in session.info.get(_PENDING, []):
        if not notification.kind.startswith("safeguarding."):
            notification.held_item = item


def release(item):
    """A moderator decided on `item`: its notifications now show, and those of people who asked
    for immediate mail are mailed when the decision commits."""
    waiting = db.session.scalars(db.select(Notification).options(joinedload(Notification.user)).where(
        Notification.held_item_id == item.id, Notification.emailed_at.is_(None))).all()
    db.session.info.setdefault(_PENDING, []).extend(waiting)


@cache
def _unread_count_statement():
    return db.select(db.func.count(Notification.id)).where(
        Notification.user_id == db.bindparam("user_id"), Notification.read_at.is_(None),
        _readable_in(db.bindparam("space_ids", expanding=True)))


def unread_count(user):
    """The bell's count, on every page: one statement built once per process and run with the
    person and the spaces they read (building it cost three times its run)."""
    return db.session.scalar(_unread_count_statement(), {
        "user_id": user.id, "space_ids": sorted(permissions.readable_space_ids(user))})


def for_user(user, page=1):
    return db.paginate(db.select(Notification).where(Notification.user_id == user.id, _still_readable(user))
                       .order_by(Notification.created_at.desc(), Notification.id.desc()),
                       page=page, per_page=PER_PAGE, error_out=False)


def mark_read(notification, user):
    """Mark one of `user`'s own notifications as read (committed); anyone else's does not exist
    for them (404)."""
    if not permissions.can_read_notification(notification, user):
        raise NotificationError(_("This notification does not exist."), status=404)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()


def mark_all_read(user):
    """Mark every unread notification of `user` as read (committed)."""
    db.session.execute(db.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()


def mark_read_for_page(user, path):
    """Mark read what points to this page (or an anchor in it): the person has now seen it."""
    db.session.execute(db.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        db.or_(Notification.url == path, Notification.url.startswith(path + "#", autoescape=True)))
        .values(read_at=utcnow()))


def follow_item(path, space, may_read):
    """After the item shown at `path` moved to `space`: its notifications (those linking to the
    page or an anchor in it) take the new space, and those of people who may no longer read it
    are withdrawn, since their text names the item and the digest would still mail them.

    `may_read(person)` is the item's own read rule. The caller commits.
    """
    notifications = db.session.scalars(db.select(Notification).options(joinedload(Notification.user)).where(
        db.or_(Notification.url == path, Notification.url.startswith(path + "#", autoescape=True)))).all()
    verdicts = {}
    for notification in notifications:
        person = notification.user
        if person.id not in verdicts:
            verdicts[person.id] = may_read(person)
        if verdicts[person.id]:
            notification.space_id = space.id
        else:
            db.session.delete(notification)


def safe_target(notification):
    """The notification's local path, never another host."""
    url = notification.url or ""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else None


# --- e-mail ---------------------------------------------------------------------------------


def _mail_item(notification):
    """What a mail needs, as plain values (the session may be closed when it is sent)."""
    user = notification.user
    return {"user_id": user.id, "email": user.email, "language": user.language, "name": user.name,
            "kind": notification.kind, "data": dict(notification.data or {}), "url": notification.url}


def _render_mail(template, **context):
    # Not render_template: context processors would query the database (the bell count), which
    # is not possible after a commit, and there may be no request or signed-in person at all.
    return current_app.jinja_env.get_template(template).render(**context)


def _text(item):
    return messages.render_kind(item["kind"], item["data"])


def _link(item):
    url = item["url"] or "/notifications"
    return url if url.startswith("http") else site_url(url)


def send_immediate(item):
    with force_locale(item["language"]):
        text = _text(item)
        body = _render_mail("notifications/mail/immediate.txt", name=item["name"], text=text,
                               link=_link(item), settings=site_url("/account/profile"))
        send_mail(item["email"], _("Sociallab: %(text)s", text=text)[:200], body)


@event.listens_for(db.session, "before_commit")
def _claim_immediate(session):
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    now = utcnow()
    to_mail = session.info.setdefault(_TO_MAIL, [])
    for notification in pending:
        held = notification.held_item
        if held is not None and held.status == "held":
            continue
        if notification.user is not None and notification.user.notify_email == "immediate" \
                and notification.emailed_at is None:
            notification.emailed_at = now
            to_mail.append(_mail_item(notification))


@event.listens_for(db.session, "after_commit")
def _send_claimed(session):
    session.info.pop(_WITHHELD, None)
    for item in session.info.pop(_TO_MAIL, []):
        try:
            send_immediate(item)
        except Exception:  # a mail server outage must not turn a saved post into an error page
            log.exception("could not mail a notification to person %s", item["user_id"])


@event.listens_for(db.session, "after_soft_rollback")
def _forget(session, previous_transaction):
    session.info.pop(_PENDING, None)
    session.info.pop(_TO_MAIL, None)
    session.info.pop(_WITHHELD, None)


def send_digests(now=None):
    """Mail each daily-digest reader what is unread and not yet mailed; return how many mails.

    Items are claimed (emailed_at set) and committed before the mail goes out, so running the
    command twice, even at the same time, never sends an item twice.
    """
    now = now or utcnow()
    since = now - DIGEST_WINDOW
    waiting = (Notification.emailed_at.is_(None), Notification.read_at.is_(None),
               Notification.created_at >= since, Notification.created_at <= now)
    readers = db.session.scalars(
        db.select(User).where(User.notify_email == User.NOTIFY_DAILY, User.active.is_(True),
                              User.id.in_(db.select(Notification.user_id).where(*waiting)))).all()
    sent = 0
    for user in readers:
        ids = db.session.scalars(db.select(Notification.id).where(
            Notification.user_id == user.id, _still_readable(user), *waiting)).all()
        stamp = utcnow()
        db.session.execute(db.update(Notification).where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
                           .values(emailed_at=stamp))
        db.session.commit()
        claimed = db.session.scalars(db.select(Notification).where(
            Notification.id.in_(ids), Notification.emailed_at == stamp).order_by(Notification.created_at)).all()
        if not claimed:
            continue
        with force_locale(user.language):
            lines = [(messages.render(n), _link({"url": n.url})) for n in claimed]
            body = _render_mail("notifications/mail/digest.txt", name=user.name, lines=lines,
                                   link=site_url("/notifications"), settings=site_url("/account/profile"))
            subject = ngettext("Sociallab: your daily digest (%(num)d new item)",
                               "Sociallab: your daily digest (%(num)d new items)", len(claimed))
        try:
            send_mail(user.email, subject, body)
            sent += 1
        except Exception:
            log.exception("could not mail the digest to person %s", user.id)
    return sent
