"""The header offers what people come for, and its cross-space library and workshops lists show
only what each person may read, at a fixed number of queries."""
import re
from datetime import timedelta

from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.notifications.services import notify
from sociallab.safeguarding.screening import deciding
from tests.conftest import csrf_token_from
from tests.factories.knowledge import resource
from tests.factories.workshops import make_workshop
from tests.querycount import count_queries

NAV = re.compile(r'<nav aria-label="[^"]*">.*?</nav>', re.S)


def _header(client, url="/spaces"):
    return NAV.search(client.get(url).get_data(as_text=True)).group(0)


def test_member_header_offers_initiatives_workshops_library_in_french(client, auth, world):
    auth.login(world.member.email)
    nav = _header(client)
    for href, label in (("/spaces", "Mes espaces"), ("/initiatives", "Initiatives"),
                        ("/good-practices", "Bonnes pratiques"), ("/dashboard", "Tableau de bord"),
                        ("/workshops", "Ateliers"), ("/library", "Bibliothèque"), ("/notifications", "Notifications"),
                        ("/account/profile", "Profil")):
        assert re.search(rf'<a href="{href}"[^>]*>{label}', nav), label
    assert "Se déconnecter" in nav
    assert "/admin/" not in nav and "/moderation/sensitive" not in nav


def test_header_marks_the_current_page(client, auth, world):
    auth.login(world.member.email)
    nav = _header(client, "/library")
    assert '<a href="/library" aria-current="page">' in nav
    assert '<a href="/workshops" aria-current' not in nav
    # Inside a section (a space's library) the entry says so without claiming to be the page.
    assert '<a href="/library" aria-current="true">' in _header(client, f"/spaces/{world.sn_space.slug}/library")


def test_header_counts_unread_notifications_and_the_menu_shows_the_total(client, auth, world):
    for n in range(3):
        notify(world.member, "generic", text=f"n{n}")
    db.session.commit()
    auth.login(world.member.email)
    html = client.get("/spaces").get_data(as_text=True)
    assert re.search(r'Notifications <span class="badge" aria-hidden="true">3</span>'
                     r'<span class="visually-hidden">\(3 non lues\)</span>', html)
    assert re.search(r'<summary>Menu <span class="badge" aria-hidden="true">3</span>', html)


def test_moderator_sees_the_review_queue_with_its_count_and_admin_the_administration(client, auth, world):
    with deciding("publish", "Nécessaire au suivi"):
        resource(world.sn_space, world.member, title="Suivi", body="Awa Diop, 12 ans, vit à Pikine")
    auth.login(world.moderator.email)
    assert re.search(r'<a href="/moderation/sensitive">Held for review <span class="badge" aria-hidden="true">1',
                     _header(client))
    auth.logout()
    auth.login(world.admin.email)
    assert '<a href="/admin/">Administration</a>' in _header(client)


def test_header_query_count_does_not_grow_with_notifications(client, auth, world):
    auth.login(world.moderator.email)
    db.session.expire_all()  # as after the commit below, so both requests load the same
    with count_queries() as few:
        client.get("/spaces")
    for n in range(12):
        notify(world.moderator, "generic", text=f"n{n}")
    db.session.commit()
    with count_queries() as many:
        client.get("/spaces")
    assert len(many) == len(few)


def test_library_lists_every_readable_space_and_nothing_else(client, auth, world):
    resource(world.sn_space, world.member2, title="Guide du Sénégal")
    resource(world.international, world.member2, title="Guide international")
    resource(world.pe_space, world.other_member, title="Guía del Perú", lang="es")
    resource(world.sn_space, world.member2, title="Brouillon de Moussa", status="draft")
    with deciding("publish", "Nécessaire au suivi"):
        resource(world.sn_space, world.member2, title="Suivi retenu", body="Awa Diop, 12 ans, vit à Pikine")
    auth.login(world.member.email)
    page = client.get("/library").get_data(as_text=True)
    assert "Guide du Sénégal" in page and "Guide international" in page
    assert "Guía del Perú" not in page
    assert "Brouillon de Moussa" not in page
    assert "Suivi retenu" not in page
    assert "2 ressources" in page
    auth.logout()
    auth.login(world.moderator.email)
    moderator_page = client.get("/library").get_data(as_text=True)
    assert "Suivi retenu" in moderator_page and "Brouillon de Moussa" in moderator_page


def test_library_pages_at_a_fixed_number_of_queries(client, auth, world):
    auth.login(world.member.email)
    resource(world.sn_space, world.member2, title="Premier")
    db.session.expire_all()
    with count_queries() as few:
        client.get("/library")
    for n in range(24):
        resource(world.international if n % 2 else world.sn_space, world.member2 if n % 3 else world.member,
                 title=f"Ressource {n}")
    with count_queries() as many:
        first = client.get("/library").get_data(as_text=True)
    assert len(many) == len(few)
    assert "Page 1 sur 2" in first and 'href="/library?page=2"' in first
    second = client.get("/library?page=2").get_data(as_text=True)
    assert "Premier" in second and "Premier" not in first


def test_workshops_lists_upcoming_ones_in_my_spaces_only(client, auth, world):
    make_workshop(world, live=False, title="Atelier à venir", starts_at=utcnow() + timedelta(days=2),
                  ends_at=utcnow() + timedelta(days=2, hours=1))
    make_workshop(world, live=False, title="Atelier passé", starts_at=utcnow() - timedelta(days=2),
                  ends_at=utcnow() - timedelta(days=2) + timedelta(hours=1))
    auth.login(world.member.email)
    page = client.get("/workshops").get_data(as_text=True)
    assert "Atelier à venir" in page and "Atelier passé" not in page
    assert f'href="/spaces/{world.sn_space.slug}/workshops/' in page
    auth.logout()
    auth.login(world.other_member.email)
    assert "Atelier à venir" not in client.get("/workshops").get_data(as_text=True)


def test_a_kept_header_still_follows_the_count_the_session_and_the_search(client, app, auth, world):
    """The header is rendered once per language and state (sociallab.navigation): a new
    notification changes it at once, each session signs out with its own token, and the search
    box shows the words just searched."""
    auth.login(world.member.email)
    assert 'class="badge"' not in _header(client)
    notify(world.member, "generic", text="nouvelle")
    db.session.commit()
    assert re.search(r'Notifications <span class="badge" aria-hidden="true">1</span>', _header(client))

    other = app.test_client()
    other.post("/login", data={"email": world.member2.email, "password": app.config["DEMO_PASSWORD"],
                               "csrf_token": csrf_token_from(other.get("/login").get_data(as_text=True))})
    mine, theirs = (csrf_token_from(_header(c)) for c in (client, other))
    assert mine and theirs and mine != theirs and "\x00" not in _header(client)
    assert client.post("/logout", data={"csrf_token": mine}).status_code == 302
    assert client.get("/spaces").status_code == 302  # signed out

    page = other.get("/search?q=%3Cb%3Eprotection").get_data(as_text=True)
    assert 'value="&lt;b&gt;protection"' in page
    assert 'name="q" type="search" value=""' in other.get("/spaces").get_data(as_text=True)
