"""Resources for tests, made through the real services (so search indexes them once committed)."""
from sociallab.extensions import db
from sociallab.knowledge.services import add_resource, create_resource


def resource(space, author, title="Guide", body="", lang="fr", type="guide", summary="", commit=True, **kwargs):
    """A resource written by `author`, checked and committed as the page does it.

    author=None: written by the platform itself (a workshop's minutes). commit=False: only
    flushed, left in the caller's transaction (to roll back, or to change before it is indexed).
    """
    if author is not None and commit:
        return create_resource(space, author, type, title, summary, body, lang, **kwargs)
    item = add_resource(space, author, type, title, summary, body, lang, **kwargs)
    if commit:
        db.session.commit()
    return item
