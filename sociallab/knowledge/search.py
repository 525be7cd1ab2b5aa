"""What resources and the text of their files tell search, and who may find them (knowledge.init_app)."""
from sqlalchemy.orm import selectinload

from sociallab import search
from sociallab.knowledge.models import Attachment, FileVersion, Resource
from sociallab.permissions import resource_audience


def resource_document(resource):
    attached_text = "\n".join(a.current.text for a in resource.attachments if a.current and a.current.text)
    return {
        "id": f"resource:{resource.id}",
        # Minutes are resources, found under their own kind.
        "type": "minutes" if resource.type == Resource.MINUTES else "resource",
        "title": resource.title,
        "body": "\n\n".join(part for part in (resource.summary, resource.body, attached_text) if part),
        "lang": resource.lang,
        "space_id": resource.space_id,
        "countries": [c.iso2 for c in resource.countries],
        "themes": [t.code for t in resource.themes],
        "created_at": resource.created_at,
        "url": f"/resources/{resource.id}",
        "audience": resource_audience(resource),
    }


def resource_load_options():
    return (selectinload(Resource.themes), selectinload(Resource.countries),
            selectinload(Resource.attachments).selectinload(Attachment.versions))


def file_version_dependents(version):
    attachment = version.attachment
    return [attachment.resource] if attachment is not None and attachment.resource is not None else []


def init_app(app):
    search.register_documents(app, Resource, "resource", resource_document, load_options=resource_load_options)
    # An attachment's file text is part of its resource's document.
    search.register_dependents(app, Attachment, lambda attachment: [attachment.resource])
    search.register_dependents(app, FileVersion, file_version_dependents)
