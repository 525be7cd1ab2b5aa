"""Language negotiation (person's choice, then the browser's, then French) and time-zone display."""
from datetime import datetime

from sociallab.extensions import db
from tests.conftest import Auth, csrf_token_from


def _lang(html):
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_without_any_preference_the_interface_is_in_french(client, world):
    html = client.get("/login").get_data(as_text=True)
    assert _lang(html) == "fr" and "Se connecter" in html


def test_the_browsers_language_is_used_for_anonymous_visitors(client, world):
    html = client.get("/login", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(as_text=True)
    assert _lang(html) == "es" and "Iniciar sesión" in html
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert _lang(html) == "en" and "Sign in" in html


def test_an_unsupported_browser_language_falls_back_to_french(client, world):
    html = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,pt;q=0.5"}).get_data(as_text=True)
    assert _lang(html) == "fr"


def test_the_persons_chosen_language_wins_over_the_browsers(client, auth, world):
    auth.login(world.member.email)  # chose French
    html = client.get("/spaces", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(as_text=True)
    assert _lang(html) == "fr" and "Mes espaces" in html
    world.member.language = "en"
    db.session.commit()
    html = client.get("/spaces", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(as_text=True)
    assert _lang(html) == "en" and "My spaces" in html


def test_footer_language_switch_works_for_anonymous_visitors(client, world):
    page = client.get("/login", headers={"Accept-Language": "fr"})
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/language/es", data={"csrf_token": token, "next": "/login"},
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    html = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _lang(html) == "es" and "Iniciar sesión" in html


def test_footer_language_switch_saves_the_signed_in_persons_choice(client, auth, world):
    auth.login(world.member.email)
    response = client.post("/language/en", data={"csrf_token": auth.csrf(), "next": "/spaces"})
    assert response.status_code == 302
    db.session.refresh(world.member)
    assert world.member.language == "en"


def test_footer_language_switch_refuses_an_unknown_language(client, world):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/language/de", data={"csrf_token": token}).status_code == 404


def test_a_date_time_is_shown_in_the_readers_time_zone_with_the_zone_named(app, world):
    instant = datetime(2026, 3, 2, 12, 0)  # stored naive, meaning UTC
    for person in (world.member, world.other_member):
        person.created_at = instant
    db.session.commit()
    dakar, lima = app.test_client(), app.test_client()
    Auth(dakar).login(world.member.email)  # Africa/Dakar, UTC+0, French
    Auth(lima).login(world.other_member.email)  # America/Lima, UTC−5, Spanish
    dakar_html = dakar.get("/account/profile").get_data(as_text=True)
    lima_html = lima.get("/account/profile").get_data(as_text=True)
    assert "2 mars 2026" in dakar_html and "12:00" in dakar_html and "(Africa/Dakar)" in dakar_html
    assert "2 mar 2026" in lima_html and "7:00" in lima_html and "(America/Lima)" in lima_html
    assert "12:00" not in lima_html.split("Miembro desde")[1].split("</dd>")[0]


def test_an_anonymous_visitor_sees_times_in_utc(app, world):
    from flask_babel import force_locale

    from sociallab.i18n import format_when
    with app.test_request_context("/"), force_locale("en"):
        assert format_when(datetime(2026, 3, 2, 12, 0)).endswith("(UTC)")


def test_after_signing_out_the_sign_in_page_stays_in_the_language_the_person_chose(client, auth, world):
    auth.login(world.other_member.email)  # chose Spanish; the browser asks for French
    response = client.post("/logout", data={"csrf_token": auth.csrf()}, headers={"Accept-Language": "fr"})
    assert response.status_code == 302
    html = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert _lang(html) == "es" and "Ha cerrado la sesión" in html and "Iniciar sesión" in html


def test_a_language_changed_on_the_profile_is_kept_after_signing_out(client, auth, world):
    auth.login(world.member.email)  # French
    client.post("/language/en", data={"csrf_token": auth.csrf(), "next": "/spaces"})
    assert client.post("/logout", data={"csrf_token": auth.csrf()}).status_code == 302
    html = client.get("/login", headers={"Accept-Language": "es-PE,es;q=0.9"}).get_data(as_text=True)
    assert _lang(html) == "en" and "Sign in" in html
