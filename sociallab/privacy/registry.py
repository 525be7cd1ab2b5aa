"""The one registration point through which each domain gives its part of a person's data.

A domain's `privacy.py` calls, from the domain's init_app:

    register(app, "forums", export=export, erase=erase)

`export(user, archive)` writes what the domain holds about `user` into the archive
(`archive.add_json("posts.json", rows)`, `archive.add_file(open_file, extension)`: archive.py), read-only.
`erase(erasure)` removes or anonymises it in the current transaction (erasure.py), without
committing: sociallab.privacy.services runs every domain's part, then commits once.
Parts run in the order the domains registered (config.DOMAINS).
"""
from dataclasses import dataclass
from typing import Any

from flask import current_app

_KEY = "sociallab_privacy"


@dataclass(frozen=True)
class Contribution:
    name: str
    export: Any = None
    erase: Any = None


def register(app, name, export=None, erase=None):
    """Add `name`'s export and erase functions to `app` (a second call for the same name replaces it)."""
    app.extensions.setdefault(_KEY, {})[name] = Contribution(name, export, erase)


def contributions(app=None):
    """Every domain's part, in registration order."""
    app = app or current_app
    return list(app.extensions.get(_KEY, {}).values())
