"""The notifications page, the bell, and e-mail delivery: immediate, daily digest, never."""
from datetime import timedelta

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import outbox
from sociallab.notifications.models import Notification
from sociallab.notifications.services import notify, send_digests
from tests.conftest import post_form


def test_bell_counts_unread_and_page_lists_them_in_the_readers_language(client, auth, world):
    notify(world.member, "forums.mention", url="/spaces", title="Écoute", author="Moussa")
    db.session.commit()
    auth.login(world.member.email)
    html = client.get("/notifications").get_data(as_text=True)
    assert '<span class="badge"' in html
    assert "Moussa vous a mentionné" in html  # world.member reads in French


def test_open_marks_read_and_goes_to_the_page(client, auth, world):
    n = notify(world.member, "generic", url="/spaces/country-sn", text="Bonjour")
    db.session.commit()
    auth.login(world.member.email)
    response = post_form(client, f"/notifications/{n.id}/read", {"go": "1"}, page="/notifications")
    assert response.headers["Location"] == "/spaces/country-sn"
    assert db.session.get(Notification, n.id).read_at is not None


def test_open_never_redirects_to_another_host(client, auth, world):
    n = notify(world.member, "generic", url="//evil.example/x", text="x")
    db.session.commit()
    auth.login(world.member.email)
    response = post_form(client, f"/notifications/{n.id}/read", {"go": "1"}, page="/notifications")
    assert response.headers["Location"] == "/notifications"


def test_mark_all_read_clears_the_bell(client, auth, world):
    for i in range(3):
        notify(world.member, "generic", text=f"n{i}")
    db.session.commit()
    auth.login(world.member.email)
    post_form(client, "/notifications/read-all", {}, page="/notifications")
    assert '<span class="badge"' not in client.get("/notifications").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(client, auth, world):
    n = notify(world.member, "generic", text="private")
    db.session.commit()
    auth.login(world.member2.email)
    assert post_form(client, f"/notifications/{n.id}/read", {}, page="/notifications").status_code == 404


def test_immediate_mail_is_sent_after_commit_in_the_persons_language(app, world):
    world.other_member.notify_email = "immediate"
    db.session.commit()
    notify(world.other_member, "forums.reply", url="/forums/threads/1", title="Escucha", author="Ana")
    assert outbox() == []  # nothing before the commit
    db.session.commit()
    [message] = outbox()
    assert message["To"] == world.other_member.email
    assert "Ana respondió" in message.get_content()
    assert "http://127.0.0.1:5000/forums/threads/1" in message.get_content()
    assert db.session.scalar(db.select(Notification.emailed_at)) is not None


def test_rolled_back_notification_is_never_mailed(app, world):
    world.member.notify_email = "immediate"
    db.session.commit()
    notify(world.member, "generic", text="oops")
    db.session.rollback()
    db.session.commit()
    assert outbox() == []


def test_other_domains_kinds_are_delivered_too(app, world):
    from flask_babel import lazy_gettext as _l

    from sociallab.notifications.messages import register_kinds
    register_kinds(app, {"test.kind": _l("%(title)s was approved")})
    world.member.notify_email = "immediate"
    db.session.commit()
    notify(world.member, "test.kind", title="Projet X")
    db.session.commit()
    assert "Projet X was approved" in outbox()[0].get_content()


def test_daily_digest_run_twice_sends_each_item_once(app, world):
    world.member.notify_email = "daily"
    world.member2.notify_email = "never"
    db.session.commit()
    notify(world.member, "forums.mention", url="/a", title="Un", author="A")
    notify(world.member, "forums.reply", url="/b", title="Deux", author="B")
    notify(world.member2, "forums.reply", url="/b", title="Deux", author="B")
    db.session.commit()
    assert outbox() == []  # daily readers get nothing immediately
    assert send_digests() == 1
    assert send_digests() == 0
    [message] = outbox()
    assert message["To"] == world.member.email
    body = message.get_content()
    assert "A vous a mentionné dans «\u202fUn\u202f»" in body  # in the reader's language
    assert "http://127.0.0.1:5000/a" in body and "http://127.0.0.1:5000/b" in body
    notify(world.member, "generic", text="Trois")
    db.session.commit()
    assert send_digests() == 1
    assert "Trois" in outbox()[1].get_content() and "5000/a\n" not in outbox()[1].get_content()


def test_digest_skips_what_was_already_read_or_is_too_old(app, world):
    world.member.notify_email = "daily"
    read = notify(world.member, "generic", text="lu")
    old = notify(world.member, "generic", text="ancien")
    db.session.flush()
    read.read_at = utcnow()
    old.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert send_digests() == 0


def test_send_digests_command(app, world):
    world.member.notify_email = "daily"
    notify(world.member, "generic", text="via la commande")
    db.session.commit()
    runner = app.test_cli_runner()
    assert "1 digest" in runner.invoke(args=["sociallab", "send-digests"]).output
    assert "0 digest" in runner.invoke(args=["sociallab", "send-digests"]).output
    assert len(outbox()) == 1


def test_a_notification_about_a_space_its_reader_no_longer_reads_is_gone_from_bell_page_and_digest(
        client, auth, world):
    """A volunteer whose mandate ends must not keep reading titles of the space they left."""
    from tests import factories
    sn = factories.space("country-sn")
    notify(world.volunteer_in, "forums.mention", url="/spaces/country-sn", space=sn,
           title="Aminata à Thiès", author="Moussa")
    notify(world.volunteer_in, "generic", text="Bienvenue")
    db.session.commit()
    world.volunteer_in.notify_email = "daily"
    for mandate in world.volunteer_in.mandates:
        mandate.end_date = utcnow().date() - timedelta(days=1)
    db.session.commit()

    auth.login(world.volunteer_in.email)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Aminata à Thiès" not in html
    assert "Bienvenue" in html
    assert '">1</span>' in html  # the bell counts only the welcome

    outbox().clear()
    send_digests()
    [digest] = [m for m in outbox() if m["To"] == world.volunteer_in.email]
    assert "Bienvenue" in digest.get_content() and "Aminata" not in digest.get_content()
