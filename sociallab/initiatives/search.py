"""What initiatives and their journal tell search, and who may find them (initiatives.init_app)."""
from sqlalchemy import inspect
from sqlalchemy.orm.base import NO_VALUE

from sociallab import search
from sociallab.initiatives.models import Initiative, InitiativeCoLead, JournalEntry
from sociallab.permissions import audience_tokens_for_item


def initiative_audience(initiative):
    """Who may find an initiative (and its journal): the counterpart of permissions.can_read_initiative."""
    if initiative.status in (Initiative.DRAFT, Initiative.CHANGES_REQUESTED, Initiative.SUBMITTED):
        audience = audience_tokens_for_item(initiative.space_id, "organisations",
                                            organisation_ids=sorted(initiative.organisation_ids))
        if initiative.submitted_at is None:
            # Moderators see a draft only once it has been submitted (permissions.can_read_initiative).
            audience = [t for t in audience if not t.startswith("mod:")]
        return audience
    return audience_tokens_for_item(initiative.space_id, "members", everyone=initiative.is_public_good_practice)


def initiative_document(initiative):
    return {
        "id": f"initiative:{initiative.id}", "type": "initiative", "title": initiative.title,
        "body": "\n\n".join(filter(None, (initiative.summary, initiative.problem, initiative.approach,
                                          initiative.target_groups))),
        "lang": initiative.lang, "space_id": initiative.space_id,
        "countries": [c.iso2 for c in initiative.countries], "themes": [t.code for t in initiative.themes],
        "created_at": initiative.created_at, "url": initiative.path, "audience": initiative_audience(initiative),
    }


def journal_document(entry):
    initiative = entry.initiative
    document = initiative_document(initiative)
    document.update({
        "id": f"journal:{entry.id}", "type": "journal", "title": initiative.title,
        "body": "\n\n".join(filter(None, (entry.tried, entry.observed, entry.adjusted))),
        "lang": entry.lang, "created_at": entry.created_at,
        "url": f"{initiative.path}#journal-{entry.id}",
    })
    return document


def initiative_dependents(initiative):
    """Journal entries share the initiative's audience: re-index them when it changes.

    Called inside a flush, where loading a relationship would corrupt the identity map; the
    services that change the audience (curation, editing) load the journal beforehand.
    """
    loaded = inspect(initiative).attrs.journal.loaded_value
    return [] if loaded is NO_VALUE else list(loaded)


def init_app(app):
    search.register_documents(app, Initiative, "initiative", initiative_document)
    search.register_documents(app, JournalEntry, "journal", journal_document)
    search.register_dependents(app, Initiative, initiative_dependents)
    # A co-lead organisation shares the drafts: the initiative's audience changes with it.
    search.register_dependents(app, InitiativeCoLead, lambda co_lead: [co_lead.initiative])
