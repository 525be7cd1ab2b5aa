"""The demo's published password cannot become a real account's password."""
from sociallab.mail import outbox
from tests.conftest import csrf_token_from


def test_a_reset_to_the_published_demo_password_is_refused_and_explained(client, member):
    page = client.get("/password/forgot").get_data(as_text=True)
    client.post("/password/forgot", data={"email": member.email, "csrf_token": csrf_token_from(page)})
    link = next(word for word in outbox()[-1].get_content().split() if "/password/reset/" in word)
    path = link[link.index("/password/reset/"):]
    page = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": "sociallab-demo", "confirm": "sociallab-demo",
                                       "csrf_token": csrf_token_from(page)})
    assert response.status_code == 400
    assert "plateforme de démonstration" in response.get_data(as_text=True)

    response = client.post(path, data={"password": "a-brand-new-password", "confirm": "a-brand-new-password",
                                       "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
