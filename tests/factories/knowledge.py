"""Resources for tests, made through the real service and committed (so search indexes them)."""
from sociallab.extensions import db
from sociallab.knowledge.services import create_resource


def resource(space, author, title="Guide", body="", lang="fr", type="guide", summary="", commit=True, **kwargs):
    item = create_resource(space, author, type, title, summary, body, lang, **kwargs)
    if commit:
        db.session.commit()
    return item
