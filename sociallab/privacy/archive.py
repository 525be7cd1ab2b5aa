"""The export ZIP: one JSON file per kind of data in a folder per domain, files by their hash, a README."""
import hashlib
import io
import json
import shutil
import zipfile
from datetime import date, datetime

README = """\
Sociallab: your personal data
=============================

This archive holds everything Sociallab keeps about you and everything you wrote, as it was
on {exported_at} (UTC).

Layout
------
README.txt                   this file
accounts/account.json        your account: e-mail, name, handle, language, time zone, organisation,
                             notification choice, dates (never your password or session)
accounts/roles.json          your moderator and facilitator roles in spaces
accounts/mandates.json       your volunteer mandates
accounts/invitations.json    invitations you sent, and those sent to your address
forums/threads.json          threads you started
forums/posts.json            your messages, each with its earlier versions ("revisions")
forums/watches.json          threads and categories you follow
forums/flags.json            messages you reported to moderators, with your note
initiatives/initiatives.json initiatives you created or edited, with their text
initiatives/journal.json     journal entries you wrote
initiatives/curation.json    stage changes and curation acts you made, with their comments
knowledge/resources.json     resources you wrote, each attachment with its file's "sha256"
                             and "path" in this archive
knowledge/uploads.json       file versions you uploaded to other people's resources
workshops/registrations.json workshops you registered for
workshops/facilitated.json   workshops you created or facilitated
workshops/chat.json          your chat messages in live rooms
workshops/questions.json     your questions in live rooms
workshops/notes.json         the shared notes as you saved them in live rooms
notifications/notifications.json   your notifications
audit/entries.json           audit-log entries of changes you made, and of changes made to your account
files/<sha256>.<ext>         the files: named by the SHA-256 of their content, listed in the JSON files

Dates and times are ISO 8601 in UTC. A file missing from this list means there was nothing of that
kind. Text is as you (or others, in a thread you started) wrote it, in Markdown.
"""


def plain(value):
    """JSON for what models hold: dates in ISO 8601 (naive times are UTC)."""
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


class Archive:
    """A ZIP written to a file object as it goes: JSON encoded in chunks, files copied from storage,
    so a large export never sits whole in memory."""

    def __init__(self, fileobj):
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.files = {}  # sha256 -> path in the archive
        self.names = []

    def section(self, folder):
        return Section(self, folder)

    def add_json(self, name, data):
        self.names.append(name)
        with self.zip.open(name, "w", force_zip64=True) as raw, \
                io.TextIOWrapper(raw, encoding="utf-8") as out:
            for chunk in json.JSONEncoder(default=plain, ensure_ascii=False, indent=2).iterencode(data):
                out.write(chunk)

    def add_text(self, name, text):
        self.names.append(name)
        self.zip.writestr(name, text)

    def add_file(self, open_file, extension):
        """Copy a stored file into files/ once, read through `open_file()` (a binary stream, or
        FileNotFoundError): its (sha256, path in the archive), or (None, None) when it is missing.
        Read twice, a block at a time (to name it by its digest, then to copy it): never whole."""
        try:
            digest = hashlib.sha256()
            with open_file() as f:
                for block in iter(lambda: f.read(1024 * 1024), b""):
                    digest.update(block)
        except FileNotFoundError:
            return None, None
        sha = digest.hexdigest()
        if sha not in self.files:
            name = f"files/{sha}.{extension}"
            with open_file() as f, self.zip.open(name, "w", force_zip64=True) as out:
                shutil.copyfileobj(f, out, 1024 * 1024)
            self.files[sha] = name
        return sha, self.files[sha]

    def close(self):
        self.zip.close()


class Section:
    """A domain's view of the archive: its JSON files go into its folder."""

    def __init__(self, archive, folder):
        self.archive = archive
        self.folder = folder

    def add_json(self, name, data):
        self.archive.add_json(f"{self.folder}/{name}" if self.folder else name, data)

    def add_file(self, open_file, extension):
        return self.archive.add_file(open_file, extension)
