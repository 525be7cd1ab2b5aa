"""Administration pages: thin views that validate a form, call a service, then commit or explain."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from sociallab.accounts import invitations
from sociallab.accounts.models import Invitation, SpaceRole, User, VolunteerMandate
from sociallab.accounts.services import AccountError
from sociallab.admin import forms, services
from sociallab.admin.services import AdminError
from sociallab.extensions import db
from sociallab.http_input import id_argument, page_number
from sociallab.permissions import admin_required
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme

bp = Blueprint("admin", __name__, url_prefix="/admin")

# How the audit log names the actions it knows; other domains' actions show their code.
ACTION_LABELS = {
    "region.create": _l("Region created"), "region.update": _l("Region changed"),
    "country.create": _l("Country created"), "country.update": _l("Country changed"),
    "space.create": _l("Space created"), "space.update": _l("Space changed"),
    "space.archive": _l("Space archived"), "space.unarchive": _l("Space restored"),
    "organisation.create": _l("Organisation created"), "organisation.update": _l("Organisation changed"),
    "person.update": _l("Person changed"),
    "mandate.create": _l("Mandate created"), "mandate.update": _l("Mandate changed"),
    "space_role.add": _l("Role given"), "space_role.remove": _l("Role removed"),
    "theme.create": _l("Theme created"), "theme.update": _l("Theme changed"),
    "invitation.create": _l("Invitation sent"), "invitation.revoke": _l("Invitation revoked"),
    "invitation.accept": _l("Invitation accepted"),
}


# How the audit log names the fields it shows; other fields show their name.
FIELD_LABELS = {
    "active": _l("Active"), "archived": _l("Archived"), "code": _l("Code"), "country_id": _l("Country"),
    "email": _l("E-mail address"), "end_date": _l("End"), "expires_at": _l("Expires"),
    "focal_point_id": _l("Focal point"), "is_admin": _l("Administrator"), "iso2": _l("ISO code"),
    "kind": _l("Kind"), "language": _l("Language"), "name": _l("Name"), "organisation_id": _l("Organisation"),
    "region_id": _l("Region"), "role": _l("Role"), "slug": _l("Address"), "space_id": _l("Space"),
    "specialty": _l("Specialty"), "start_date": _l("Start"), "timezone": _l("Time zone"), "user_id": _l("Person"),
}


def _actor():
    return current_user._get_current_object()


def _form_page(template, form, error=None, **context):
    """The form again, with what was typed; a refused POST answers 400."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, error=error, **context), status


def _save(form, change, message, next_url):
    """Run `change()` for a valid form and commit; return a redirect, or the refusal's message."""
    if not form.validate_on_submit():
        return None, None
    try:
        change()
    except (AdminError, AccountError) as error:
        db.session.rollback()
        return None, str(error)
    db.session.commit()
    flash(message, "success")
    return redirect(next_url), None


def _fields(form, *names):
    return {name: getattr(form, name).data for name in names}


@bp.route("/")
@admin_required
def index():
    countries = services.countries_overview()
    recent = services.recent_audit_entries()
    return render_template("admin/index.html", figures=services.dashboard_figures(),
                           incomplete=[c for c in countries if c.is_incomplete], recent=recent,
                           targets=services.target_labels(recent), action_labels=ACTION_LABELS)


# --- regions ------------------------------------------------------------------------------

@bp.route("/regions")
@admin_required
def regions():
    items = db.session.scalars(db.select(Region).order_by(Region.code)).all()
    return render_template("admin/regions.html", regions=items)


@bp.route("/regions/new", methods=["GET", "POST"])
@admin_required
def new_region():
    form = forms.RegionForm()
    done, error = _save(form, lambda: services.create_region(_actor(), **_fields(
        form, "code", "name_fr", "name_en", "name_es")), _("The region has been created, with its space."),
        url_for("admin.regions"))
    return done or _form_page("admin/form.html", form, error, title=_("New region"),
                              back=url_for("admin.regions"))


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@admin_required
def edit_region(region_id):
    region = db.get_or_404(Region, region_id)
    form = forms.RegionForm(obj=region)
    done, error = _save(form, lambda: services.update_region(_actor(), region, **_fields(
        form, "code", "name_fr", "name_en", "name_es")), _("The region has been saved."), url_for("admin.regions"))
    return done or _form_page("admin/form.html", form, error, title=region.name, back=url_for("admin.regions"))


# --- countries ----------------------------------------------------------------------------

COUNTRY_FIELDS = ("iso2", "region_id", "name_fr", "name_en", "name_es", "timezone")


@bp.route("/countries")
@admin_required
def countries():
    return render_template("admin/countries.html", countries=services.countries_overview())


@bp.route("/countries/new", methods=["GET", "POST"])
@admin_required
def new_country():
    form = forms.CountryForm()
    done, error = _save(form, lambda: services.create_country(_actor(), **_fields(form, *COUNTRY_FIELDS)),
                        _("The country has been created, with its national space."), url_for("admin.countries"))
    return done or _form_page("admin/form.html", form, error, title=_("New country"),
                              back=url_for("admin.countries"))


@bp.route("/countries/<int:country_id>", methods=["GET", "POST"])
@admin_required
def edit_country(country_id):
    country = db.get_or_404(Country, country_id)
    form = forms.CountryForm(obj=country)
    if request.method == "GET":
        form.iso2.data = country.iso2.upper()
    done, error = _save(form, lambda: services.update_country(_actor(), country, **_fields(form, *COUNTRY_FIELDS)),
                        _("The country has been saved."), url_for("admin.countries"))
    return done or _form_page("admin/form.html", form, error, title=country.name, back=url_for("admin.countries"))


# --- spaces -------------------------------------------------------------------------------

SPACE_FIELDS = ("kind", "slug", "name_fr", "name_en", "name_es", "region_id", "country_id",
                "description_fr", "description_en", "description_es", "archived")


@bp.route("/spaces")
@admin_required
def spaces():
    return render_template("admin/spaces.html", spaces=services.spaces_overview())


@bp.route("/spaces/new", methods=["GET", "POST"])
@admin_required
def new_space():
    form = forms.SpaceForm()
    done, error = _save(form, lambda: services.create_space(_actor(), **_fields(form, *SPACE_FIELDS)),
                        _("The space has been created."), url_for("admin.spaces"))
    return done or _form_page("admin/form.html", form, error, title=_("New space"), back=url_for("admin.spaces"))


@bp.route("/spaces/<int:space_id>", methods=["GET", "POST"])
@admin_required
def edit_space(space_id):
    space = db.get_or_404(Space, space_id)
    form = forms.SpaceForm(obj=space)
    if request.method == "GET":
        form.region_id.data = space.region_id or forms.NONE
        form.country_id.data = space.country_id or forms.NONE
    done, error = _save(form, lambda: services.update_space(_actor(), space, **_fields(form, *SPACE_FIELDS)),
                        _("The space has been saved."), url_for("admin.spaces"))
    return done or _form_page("admin/form.html", form, error, title=space.name, back=url_for("admin.spaces"))


# --- organisations ------------------------------------------------------------------------

@bp.route("/organisations")
@admin_required
def organisations():
    items, members = services.organisations_overview()
    return render_template("admin/organisations.html", organisations=items, members=members)


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation():
    form = forms.OrganisationForm()
    del form.focal_point_id  # a new organisation has no members to choose from yet
    if request.method == "GET" and id_argument("country"):
        form.country_id.data = id_argument("country")
    done, error = _save(form, lambda: services.create_organisation(_actor(), **_fields(
        form, "name", "country_id", "kind", "active")), _("The organisation has been created."),
        url_for("admin.organisations"))
    return done or _form_page("admin/form.html", form, error, title=_("New partner organisation"),
                              back=url_for("admin.organisations"))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def edit_organisation(organisation_id):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = forms.OrganisationForm(obj=organisation, organisation=organisation)
    if request.method == "GET":
        form.focal_point_id.data = organisation.focal_point_id or forms.NONE
    done, error = _save(form, lambda: services.update_organisation(_actor(), organisation, **_fields(
        form, "name", "country_id", "kind", "focal_point_id", "active")), _("The organisation has been saved."),
        url_for("admin.organisations"))
    return done or _form_page("admin/organisation.html", form, error, title=organisation.name,
                              back=url_for("admin.organisations"), organisation=organisation)


# --- people -------------------------------------------------------------------------------

@bp.route("/people")
@admin_required
def people():
    form = forms.PeopleFilterForm(request.args)
    organisation_id = id_argument("organisation")
    pagination = services.search_people(form.q.data or "", organisation_id, page=page_number())
    return render_template("admin/people.html", form=form, pagination=pagination)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_person(user_id):
    person = db.get_or_404(User, user_id)
    form = forms.PersonForm(obj=person)
    if request.method == "GET":
        form.organisation_id.data = person.organisation_id or forms.NONE
    done, error = _save(form, lambda: services.update_person(_actor(), person, **_fields(
        form, "organisation_id", "is_admin", "active")), _("The person has been saved."),
        url_for("admin.edit_person", user_id=person.id))
    return done or _form_page("admin/person.html", form, error, person=person, back=url_for("admin.people"))


# --- volunteer mandates -------------------------------------------------------------------

MANDATE_FIELDS = ("user_id", "organisation_id", "start_date", "end_date", "specialty")


@bp.route("/mandates")
@admin_required
def mandates():
    return render_template("admin/mandates.html", mandates=services.mandates_overview(), today=date.today(),
                           specialties=dict(forms.SPECIALTIES))


@bp.route("/mandates/new", methods=["GET", "POST"])
@admin_required
def new_mandate():
    form = forms.MandateForm()
    if request.method == "GET" and id_argument("user"):
        form.user_id.data = id_argument("user")
    done, error = _save(form, lambda: services.create_mandate(_actor(), **_fields(form, *MANDATE_FIELDS)),
                        _("The mandate has been created."), url_for("admin.mandates"))
    return done or _form_page("admin/form.html", form, error, title=_("New volunteer mandate"),
                              back=url_for("admin.mandates"))


@bp.route("/mandates/<int:mandate_id>", methods=["GET", "POST"])
@admin_required
def edit_mandate(mandate_id):
    mandate = db.get_or_404(VolunteerMandate, mandate_id)
    form = forms.MandateForm(obj=mandate)
    done, error = _save(form, lambda: services.update_mandate(_actor(), mandate, **_fields(form, *MANDATE_FIELDS)),
                        _("The mandate has been saved."), url_for("admin.mandates"))
    return done or _form_page("admin/form.html", form, error, title=_("Volunteer mandate of %(name)s",
                                                                        name=mandate.user.name),
                              back=url_for("admin.mandates"))


# --- space roles --------------------------------------------------------------------------

@bp.route("/roles", methods=["GET", "POST"])
@admin_required
def roles():
    form = forms.SpaceRoleForm()
    if request.method == "GET" and id_argument("user"):
        form.user_id.data = id_argument("user")
    done, error = _save(form, lambda: services.add_space_role(_actor(), **_fields(form, "user_id", "role", "space_id")),
                        _("The role has been given."), url_for("admin.roles"))
    return done or _form_page("admin/roles.html", form, error, roles=services.space_roles_overview())


@bp.route("/roles/<int:role_id>/remove", methods=["POST"])
@admin_required
def remove_role(role_id):
    space_role = db.get_or_404(SpaceRole, role_id)
    services.remove_space_role(_actor(), space_role)
    db.session.commit()
    flash(_("The role has been removed."), "success")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/admin/")
                    else url_for("admin.roles"))


# --- themes -------------------------------------------------------------------------------

THEME_FIELDS = ("code", "label_fr", "label_en", "label_es", "active")


@bp.route("/themes")
@admin_required
def themes():
    items = db.session.scalars(db.select(Theme).order_by(Theme.active.desc(), Theme.code)).all()
    return render_template("admin/themes.html", themes=items)


@bp.route("/themes/new", methods=["GET", "POST"])
@admin_required
def new_theme():
    form = forms.ThemeForm()
    done, error = _save(form, lambda: services.create_theme(_actor(), **_fields(form, *THEME_FIELDS)),
                        _("The theme has been created."), url_for("admin.themes"))
    return done or _form_page("admin/form.html", form, error, title=_("New theme"), back=url_for("admin.themes"))


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@admin_required
def edit_theme(theme_id):
    theme = db.get_or_404(Theme, theme_id)
    form = forms.ThemeForm(obj=theme)
    done, error = _save(form, lambda: services.update_theme(_actor(), theme, **_fields(form, *THEME_FIELDS)),
                        _("The theme has been saved."), url_for("admin.themes"))
    return done or _form_page("admin/form.html", form, error, title=theme.label, back=url_for("admin.themes"))


# --- invitations --------------------------------------------------------------------------

@bp.route("/invitations", methods=["GET", "POST"])
@admin_required
def invitations_page():
    form = forms.InvitationForm()
    if request.method == "GET" and id_argument("organisation"):
        form.organisation_id.data = id_argument("organisation")

    def send():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        invitations.send_invitation(_actor(), form.email.data, organisation, form.language.data)

    done, error = _save(form, send, _("The invitation has been sent."), url_for("admin.invitations_page"))
    return done or _form_page("admin/invitations.html", form, error, pending=invitations.pending_invitations(),
                              revoke_url=lambda i: url_for("admin.revoke_invitation", invitation_id=i.id))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@admin_required
def revoke_invitation(invitation_id):
    invitation = db.get_or_404(Invitation, invitation_id)
    invitations.revoke_invitation(_actor(), invitation)
    db.session.commit()
    flash(_("The invitation has been revoked: its link no longer works."), "success")
    return redirect(url_for("admin.invitations_page"))


# --- audit log ----------------------------------------------------------------------------

@bp.route("/audit")
@admin_required
def audit():
    actions, actors = services.audit_filter_choices()
    form = forms.AuditFilterForm(request.args)
    form.action.choices = [("", _("All actions"))] + [(a, str(ACTION_LABELS.get(a, a))) for a in actions]
    form.actor.choices = [(forms.NONE, _("Anyone"))] + actors
    action = request.args.get("action") if request.args.get("action") in actions else None
    actor_id = id_argument("actor")
    pagination = services.audit_entries(action, actor_id, page=page_number())
    return render_template("admin/audit.html", form=form, pagination=pagination, changes=services.changes,
                           targets=services.target_labels(pagination.items), action_labels=ACTION_LABELS,
                           field_labels=FIELD_LABELS)
