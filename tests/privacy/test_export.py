"""The export: a ZIP of JSON files per domain and the person's files by their hash, audited without the data."""
import hashlib
import io
import json
import zipfile

import pytest

from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.privacy import services
from sociallab.privacy.checks import PrivacyError

EXPECTED = {"README.txt", "accounts/account.json", "accounts/roles.json", "accounts/mandates.json",
            "accounts/invitations.json", "forums/threads.json", "forums/posts.json", "forums/watches.json",
            "forums/flags.json", "initiatives/initiatives.json", "initiatives/journal.json",
            "initiatives/curation.json", "knowledge/resources.json", "knowledge/uploads.json",
            "workshops/registrations.json", "workshops/facilitated.json", "workshops/chat.json",
            "workshops/questions.json", "workshops/notes.json", "notifications/notifications.json",
            "audit/entries.json"}


def _export(person, actor):
    buffer = io.BytesIO()
    services.export_data(person, actor, buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _json(archive, name):
    return json.loads(archive.read(name).decode("utf-8"))


def test_export_holds_every_kind_in_the_documented_layout(footprint):
    archive = _export(footprint.person, footprint.person)
    names = set(archive.namelist())
    assert names >= EXPECTED
    readme = archive.read("README.txt").decode()
    for name in EXPECTED - {"README.txt"}:
        assert name in readme, f"{name} is not documented in README.txt"


def test_account_file_holds_the_profile_but_never_the_password_or_session(footprint):
    archive = _export(footprint.person, footprint.person)
    account = _json(archive, "accounts/account.json")
    assert account["email"] == footprint.email and account["name"] == footprint.name
    assert account["handle"] == footprint.handle
    raw = archive.read("accounts/account.json").decode()
    assert "password" not in raw and "session" not in raw
    assert footprint.person.password_hash not in raw and footprint.person.session_token not in raw
    assert _json(archive, "accounts/roles.json") == [{"role": "facilitator", "space": "country-sn"}]
    directions = {i["direction"] for i in _json(archive, "accounts/invitations.json")}
    assert directions == {"sent", "received"}


def test_posts_come_with_their_earlier_versions_and_what_they_wrote_elsewhere(footprint):
    archive = _export(footprint.person, footprint.person)
    posts = {p["id"]: p for p in _json(archive, "forums/posts.json")}
    assert set(posts) == {footprint.first.id, footprint.mine.id}
    assert posts[footprint.first.id]["body"] == "Premier message, revu"
    assert [r["body"] for r in posts[footprint.first.id]["revisions"]] == ["Premier message"]
    assert [t["id"] for t in _json(archive, "forums/threads.json")] == [footprint.thread.id]
    assert _json(archive, "forums/flags.json")[0]["note"] == "Une note de signalement"
    assert [i["title"] for i in _json(archive, "initiatives/initiatives.json")] == ["Salle d'écoute"]
    assert _json(archive, "initiatives/journal.json")[0]["tried"] == "Essayé"
    assert [m["body"] for m in _json(archive, "workshops/chat.json")] == ["Bonjour à toutes et tous"]
    assert [q["body"] for q in _json(archive, "workshops/questions.json")] == ["Comment accueillir l'enfant ?"]
    assert _json(archive, "workshops/notes.json")[0]["notes"] == "Notes partagées par la facilitation"
    assert len(_json(archive, "workshops/registrations.json")) == 1
    kinds = {n["kind"] for n in _json(archive, "notifications/notifications.json")}
    assert "forums.quote" in kinds


def test_files_are_in_the_archive_named_by_their_hash(footprint):
    archive = _export(footprint.person, footprint.person)
    resources = {r["title"]: r for r in _json(archive, "knowledge/resources.json")}
    assert set(resources) == {"Guide publié", "Brouillon"}
    for resource in resources.values():
        [[version]] = resource["attachments"]
        content = archive.read(version["path"])
        assert version["path"] == f"files/{version['sha256']}.pdf"
        assert hashlib.sha256(content).hexdigest() == version["sha256"]
        assert len(content) == version["size"]


def test_export_is_audited_without_the_data(footprint):
    _export(footprint.person, footprint.person)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "account.export"))
    assert entry.actor_id == footprint.person.id and entry.target_id == footprint.person.id
    assert entry.before is None and entry.after is None


def test_audit_entries_of_their_own_acts_are_exported(footprint):
    archive = _export(footprint.person, footprint.person)
    entries = _json(archive, "audit/entries.json")
    assert any(e["by_you"] and e["action"] == "invitation.create" for e in entries)


def test_nobody_exports_someone_else(footprint, world):
    for actor in (world.member2, world.moderator, world.admin):
        with pytest.raises(PrivacyError) as refused:
            _export(footprint.person, actor)
        assert refused.value.status == 404


def test_the_console_exports_anyone(footprint):
    archive = _export(footprint.person, None)
    assert _json(archive, "accounts/account.json")["email"] == footprint.email
