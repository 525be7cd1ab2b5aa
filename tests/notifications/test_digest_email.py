"""A digest e-mail as its reader receives it: subject, greeting, each item with its link, the way
to change settings, all in the reader's language and every link on SITE_URL.

The rendered mail is saved to tests/artifacts/digest-email.txt for people to read.
"""
from pathlib import Path

from sociallab.accounts.models import User
from sociallab.extensions import db
from sociallab.mail import outbox
from sociallab.notifications.services import notify, send_digests
from sociallab.workshops.notifications import REMINDER

ARTIFACT = Path(__file__).resolve().parents[1] / "artifacts" / "digest-email.txt"
SITE = "https://sociallab.example.org"


def _as_received(message):
    """The mail as a mail program shows it: its headers, then its decoded text."""
    headers = "".join(f"{name}: {message[name]}\n" for name in ("From", "To", "Subject"))
    return f"{headers}\n{message.get_content()}"


def _plain(text):
    """French puts a (narrow) no-break space before ':' and may write ’ for ': the test reads
    them as a space and '."""
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2019", "'")


def test_a_daily_digest_as_received(app, world):
    app.config["SITE_URL"] = SITE
    reader = world.member  # Aminata, who reads French
    reader.notify_email = User.NOTIFY_DAILY
    notify(reader, "forums.reply", url="/forums/threads/7#post-12", space=world.sn_space,
           author="Moussa Sénégal", title="Écoute des enfants au tribunal")
    notify(reader, REMINDER, url="/spaces/country-sn/workshops/3", space=world.sn_space,
           title="Auditions adaptées aux enfants", starts_at="2026-12-08T09:00:00")
    db.session.commit()

    assert send_digests() == 1
    [message] = outbox()
    received = _as_received(message)
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(received, encoding="utf-8")

    text = _plain(received)
    assert message["To"] == reader.email
    assert _plain(message["Subject"]) == "Sociallab : votre résumé du jour (2 nouveautés)"
    assert "Bonjour Aminata Sénégal," in text
    assert "Voici ce qui s'est passé sur Sociallab depuis votre dernier résumé :" in text
    items = text.split("dernier résumé :", 1)[1].split("Toutes vos notifications", 1)[0]
    assert [line.strip() for line in items.strip().splitlines() if line.strip()] == [
        "- Moussa Sénégal a répondu dans « Écoute des enfants au tribunal »",
        f"{SITE}/forums/threads/7#post-12",
        "- Rappel : l'atelier « Auditions adaptées aux enfants » commence dans moins d'un jour.",
        f"{SITE}/spaces/country-sn/workshops/3",
    ]
    assert f"Toutes vos notifications : {SITE}/notifications" in text
    assert f"{SITE}/account/profile" in text
    assert "127.0.0.1" not in text and "http://localhost" not in text
