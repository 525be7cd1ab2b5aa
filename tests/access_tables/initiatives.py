"""Access rows for initiatives: lists, pages, forms, curation, dashboards and CSV exports."""
from sociallab.extensions import db
from sociallab.i18n import utcnow
from sociallab.initiatives import indicators, services
from sociallab.initiatives.models import Initiative
from tests.access_tables import LOGIN, Row, expect, signed_in_only, space_members

# Partners of the Senegal organisation (the member and the volunteer in mandate) and admins.
PARTNERS = {"member": 200, "volunteer_in": 200, "admin": 200}


def _initiative(world, title, status):
    data = services.InitiativeData(title=title, summary="Summary", problem="", approach="", target_groups="",
                                   lang="fr", lead_organisation=world.sn_org)
    initiative = services.create_initiative(world.sn_space, world.member, data)
    initiative.status = status
    if status != Initiative.DRAFT:
        initiative.submitted_at = utcnow()
    return initiative


def setup(world):
    world.init_draft = _initiative(world, "Draft", Initiative.DRAFT)
    world.init_submitted = _initiative(world, "Submitted", Initiative.SUBMITTED)
    world.init_published = _initiative(world, "Published", Initiative.PUBLISHED)
    world.draft_indicator = indicators.save_indicator(world.init_draft, world.member, "Children heard", "", "",
                                                      "reached")
    db.session.commit()


def draft_only(ok=200):
    """A draft: its organisation's people and admins; everyone else gets 404."""
    return expect(404, anonymous=LOGIN, **dict.fromkeys(PARTNERS, ok))


def published_editing(ok=200):
    """Editing a published initiative: partners; other readers of the space get 403."""
    return expect(403, anonymous=LOGIN, other_member=404, volunteer_out=404, **dict.fromkeys(PARTNERS, ok))


def draft(w):
    return f"/initiatives/{w.init_draft.id}"


def published(w):
    return f"/initiatives/{w.init_published.id}"


ROWS = [
    Row("initiatives.index", lambda w: "/initiatives", signed_in_only()),
    Row("initiatives.good_practices", lambda w: "/good-practices", signed_in_only()),
    Row("initiatives.review_queue", lambda w: "/initiatives/review",
        expect(404, anonymous=LOGIN, moderator=200, admin=200)),
    Row("initiatives.new", lambda w: f"/spaces/{w.sn_space.slug}/initiatives/new",
        space_members(moderator=403, facilitator=403)),
    Row("initiatives.new", lambda w: f"/spaces/{w.sn_space.slug}/initiatives/new",
        space_members(400, moderator=403, facilitator=403), method="POST", id="POST initiatives.new (empty)"),
    Row("initiatives.new", lambda w: f"/spaces/{w.pe_space.slug}/initiatives/new",
        expect(404, anonymous=LOGIN, other_member=200, admin=200), id="new initiative in Peru"),
    Row("initiatives.detail", draft, draft_only(), id="draft"),
    Row("initiatives.detail", lambda w: f"/initiatives/{w.init_submitted.id}",
        draft_only() | {"moderator": 200}, id="submitted"),
    Row("initiatives.detail", published, space_members(), id="published"),
    Row("initiatives.detail", lambda w: "/initiatives/999999", expect(404, anonymous=LOGIN), id="missing"),
    Row("initiatives.edit", lambda w: f"{draft(w)}/edit", draft_only(), id="edit draft"),
    Row("initiatives.edit", lambda w: f"{published(w)}/edit", published_editing(), id="edit published"),
    Row("initiatives.edit", lambda w: f"{draft(w)}/edit", draft_only(400), method="POST",
        id="POST edit draft (empty)"),
    Row("initiatives.change_stage", lambda w: f"{draft(w)}/stage", draft_only(302), method="POST",
        data=lambda w: {"to_stage": "design", "comment": "Ready"}, id="stage of a draft"),
    Row("initiatives.change_stage", lambda w: f"{published(w)}/stage",
        published_editing(302) | {"moderator": 302}, method="POST",
        data=lambda w: {"to_stage": "design", "comment": "Ready"}, id="stage of a published one"),
    Row("initiatives.curate", lambda w: f"/initiatives/{w.init_submitted.id}/curate",
        expect(403, anonymous=LOGIN, other_member=404, volunteer_out=404, moderator=302, admin=302,
               facilitator={403, 404}),
        method="POST", data=lambda w: {"action": "approve"}, id="approve"),
    # The member submits first; then the space's moderator reads it but may not submit it.
    Row("initiatives.curate", lambda w: f"{draft(w)}/curate", draft_only(302) | {"moderator": 403}, method="POST",
        data=lambda w: {"action": "submit"}, id="submit"),
    Row("initiatives.add_journal", lambda w: f"{draft(w)}/journal/new", draft_only(), id="journal of a draft"),
    Row("initiatives.add_journal", lambda w: f"{published(w)}/journal/new", published_editing(),
        id="journal of a published one"),
    Row("initiatives.indicator_form", lambda w: f"{draft(w)}/indicators/new", draft_only()),
    Row("initiatives.indicator_form", lambda w: f"{draft(w)}/indicators/{w.draft_indicator.id}/edit", draft_only(),
        id="edit indicator"),
    Row("initiatives.indicator_form", lambda w: f"{published(w)}/indicators/{w.draft_indicator.id}/edit",
        published_editing(404), id="indicator of another initiative"),
    Row("initiatives.indicator_values", lambda w: f"{draft(w)}/indicators/{w.draft_indicator.id}/values",
        draft_only()),
    Row("initiatives.indicator_values", lambda w: f"{draft(w)}/indicators/{w.draft_indicator.id}/values",
        draft_only(400), method="POST", data=lambda w: {"period": "2025-01-31", "actual-total": "-1"},
        id="POST values (invalid)"),
    Row("initiatives.dashboard", lambda w: "/dashboard", signed_in_only()),
    Row("initiatives.space_dashboard", lambda w: f"/spaces/{w.sn_space.slug}/dashboard", space_members()),
    Row("initiatives.space_dashboard", lambda w: f"/spaces/{w.pe_space.slug}/dashboard",
        expect(404, anonymous=LOGIN, other_member=200, admin=200), id="Peru dashboard"),
    Row("initiatives.export_initiatives", lambda w: "/initiatives/export.csv", signed_in_only()),
    Row("initiatives.export_values", lambda w: "/initiatives/indicator-values.csv", signed_in_only()),
]
