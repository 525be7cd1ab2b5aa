"""Links in e-mails and calendar files point to the configured site address, whatever Host a request claims."""
from datetime import timedelta

import pytest

import config
from sociallab import create_app
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.mail import outbox
from sociallab.notifications.services import notify
from sociallab.workshops import services as workshops
from tests.conftest import csrf_token_from

SITE = config.TestConfig.SITE_URL  # what the test configuration declares as the site's address
FORGED = "http://attacker.example"


def _links(message):
    return [word for word in message.get_content().split() if "://" in word]


def _post_forged(client, url, data):
    """A form sent with a forged Host (the page and its CSRF token fetched the same way)."""
    page = client.get(url, base_url=FORGED).get_data(as_text=True)
    return client.post(url, base_url=FORGED, data={**data, "csrf_token": csrf_token_from(page)})


def _sign_in_forged(client, email):
    page = client.get("/login", base_url=FORGED).get_data(as_text=True)
    client.post("/login", base_url=FORGED, data={"email": email, "password": "sociallab-demo",
                                                 "csrf_token": csrf_token_from(page)})


def test_password_reset_link_ignores_a_forged_host(client, member):
    response = _post_forged(client, "/password/forgot", {"email": member.email})
    assert response.status_code == 302
    [mail] = outbox()
    [link] = _links(mail)
    assert link.startswith(SITE + "/password/reset/"), link
    assert "attacker" not in mail.get_content()


def test_invitation_link_ignores_a_forged_host(client, world):
    """A focal point (the Senegal member) invites a colleague through a request with a forged Host."""
    _sign_in_forged(client, world.member.email)
    response = _post_forged(client, f"/organisations/{world.sn_org.id}/invite",
                            {"email": "colleague@example.org", "language": "fr"})
    assert response.status_code == 302
    [mail] = outbox()
    [link] = _links(mail)
    assert link.startswith(SITE + "/invitation/"), link


def test_notification_mail_sent_during_a_forged_request_links_to_the_site(app, world):
    world.member.notify_email = "immediate"
    db.session.commit()
    with app.test_request_context("/", base_url=FORGED):
        notify(world.member, "generic", url="/forums/threads/1", text="Bonjour")
        db.session.commit()
    [mail] = outbox()
    assert all(link.startswith(SITE + "/") for link in _links(mail)), _links(mail)
    assert SITE + "/forums/threads/1" in mail.get_content()


def test_workshop_reminder_mail_links_to_the_site(app, world):
    """Reminders run from cron, without any request: their links are still the site's."""
    world.member.notify_email = "immediate"
    workshop = workshops.schedule_workshop(
        world.sn_space, world.facilitator, title="Écoute", description="", agenda="", lang="fr",
        starts_at=utcnow() + timedelta(hours=3), ends_at=utcnow() + timedelta(hours=4), video_url="", capacity=None)
    workshops.register(workshop, world.member)
    assert workshops.send_reminders() == 1
    [mail] = [m for m in outbox() if m["To"] == world.member.email]
    assert SITE + f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}" in mail.get_content()
    assert all(link.startswith(SITE + "/") for link in _links(mail)), _links(mail)


def test_calendar_file_ignores_a_forged_host(client, world):
    workshop = workshops.schedule_workshop(
        world.sn_space, world.facilitator, title="Écoute", description="", agenda="", lang="fr",
        starts_at=utcnow() + timedelta(days=3), ends_at=utcnow() + timedelta(days=3, hours=1), video_url="",
        capacity=None)
    _sign_in_forged(client, world.member.email)
    body = client.get(f"/spaces/{world.sn_space.slug}/workshops/{workshop.id}/workshop.ics",
                      base_url=FORGED).get_data(as_text=True).replace("\r\n ", "")
    assert "attacker" not in body
    assert f"URL:{SITE}/spaces/{world.sn_space.slug}/workshops/{workshop.id}" in body
    assert f"UID:workshop-{workshop.id}@127.0.0.1" in body


class _Production(config.TestConfig):
    """What a server started without development or test settings gets."""
    TESTING = False
    DEVELOPMENT = False
    SECRET_KEY = "a-production-secret"
    SITE_URL = "https://sociallab.example.org"
    # A database of its own: the suite's may hold other tests' accounts with the demo password,
    # which a production start refuses (sociallab.demo.refuse_demo_passwords).
    SQLALCHEMY_DATABASE_URI = "sqlite://"


@pytest.mark.parametrize("missing", ["SITE_URL", "SECRET_KEY"])
def test_production_refuses_to_start_without_its_site_address_or_secret(monkeypatch, missing):
    monkeypatch.delenv(missing, raising=False)
    settings = type("Incomplete", (_Production,), {missing: None})
    with pytest.raises(RuntimeError, match=missing):
        create_app(settings)


def test_production_refuses_a_site_address_that_is_not_a_web_address():
    settings = type("Misspelt", (_Production,), {"SITE_URL": "sociallab.example.org"})
    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app(settings)


def test_production_starts_with_both_set():
    assert create_app(_Production).config["SITE_URL"] == "https://sociallab.example.org"


def test_development_starts_with_no_environment(monkeypatch, tmp_path):
    """`make run` on a fresh machine: a generated secret and a local site address."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    settings = type("Fresh", (_Production,), {"DEVELOPMENT": True, "SECRET_KEY": None, "SITE_URL": None})
    app = create_app(settings)
    assert app.config["SECRET_KEY"] and app.config["SITE_URL"] == "http://127.0.0.1:5000"
