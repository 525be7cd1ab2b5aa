"""Administration pages: thin views that load, validate a form, call a service, and show its refusal."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sociallab.accounts import invitations
from sociallab.accounts.mandates import ENDING_SOON_DAYS
from sociallab.accounts.mandates import view_of as mandate_view
from sociallab.accounts.models import Invitation, SpaceRole, User, VolunteerMandate
from sociallab.admin import dashboard, forms, people, structure
from sociallab.audit import log
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.http_input import id_argument, page_number
from sociallab.permissions import admin_required, get_for_admin_or_404
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _actor():
    return current_user._get_current_object()


def _form_page(template, form, error=None, **context):
    """The form again, with what was typed; a refused POST answers 400."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, error=error, **context), status


def _save(form, change, message, next_url):
    """Run `change()` (a service, which commits) for a valid form; return a redirect, or the
    refusal's message for the form. A refusal of access is its status page."""
    if not form.validate_on_submit():
        return None, None
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        if error.forbidden:
            abort(error.status)
        return None, str(error.message)
    flash(message, "success")
    return redirect(next_url), None


def _fields(form, names):
    """The form's values of the fields a service takes (`names`, a service's *_FIELDS); a field the
    form leaves out (a new organisation's focal point) is not passed."""
    return {name: form[name].data for name in names if name in form}


@bp.route("/")
@admin_required
def index():
    countries = structure.countries_overview()
    recent = log.recent_entries()
    return render_template("admin/index.html", figures=dashboard.figures(),
                           incomplete=[c for c in countries if c.is_incomplete], recent=recent,
                           targets=log.target_labels(recent), action_labels=log.action_labels())


# --- regions ------------------------------------------------------------------------------

@bp.route("/regions")
@admin_required
def regions():
    return render_template("admin/regions.html", regions=structure.regions_overview())


@bp.route("/regions/new", methods=["GET", "POST"])
@admin_required
def new_region():
    form = forms.RegionForm()
    done, error = _save(form, lambda: structure.create_region(_actor(), **_fields(form, structure.REGION_FIELDS)),
                        _("The region has been created, with its space."), url_for("admin.regions"))
    return done or _form_page("admin/form.html", form, error, title=_("New region"),
                              back=url_for("admin.regions"))


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@admin_required
def edit_region(region_id):
    region = get_for_admin_or_404(Region, region_id)
    form = forms.RegionForm(obj=region)
    done, error = _save(form, lambda: structure.update_region(_actor(), region, **_fields(
        form, structure.REGION_FIELDS)), _("The region has been saved."), url_for("admin.regions"))
    return done or _form_page("admin/form.html", form, error, title=region.name, back=url_for("admin.regions"))


# --- countries ----------------------------------------------------------------------------

@bp.route("/countries")
@admin_required
def countries():
    return render_template("admin/countries.html", countries=structure.countries_overview())


@bp.route("/countries/new", methods=["GET", "POST"])
@admin_required
def new_country():
    form = forms.CountryForm()
    done, error = _save(form, lambda: structure.create_country(_actor(), **_fields(form, structure.COUNTRY_FIELDS)),
                        _("The country has been created, with its national space."), url_for("admin.countries"))
    return done or _form_page("admin/form.html", form, error, title=_("New country"),
                              back=url_for("admin.countries"))


@bp.route("/countries/<int:country_id>", methods=["GET", "POST"])
@admin_required
def edit_country(country_id):
    country = get_for_admin_or_404(Country, country_id)
    form = forms.CountryForm(obj=country)
    if request.method == "GET":
        form.iso2.data = country.iso2.upper()
    done, error = _save(form, lambda: structure.update_country(_actor(), country, **_fields(
        form, structure.COUNTRY_FIELDS)), _("The country has been saved."), url_for("admin.countries"))
    return done or _form_page("admin/form.html", form, error, title=country.name, back=url_for("admin.countries"))


# --- spaces -------------------------------------------------------------------------------

@bp.route("/spaces")
@admin_required
def spaces():
    return render_template("admin/spaces.html", spaces=structure.spaces_overview())


@bp.route("/spaces/new", methods=["GET", "POST"])
@admin_required
def new_space():
    form = forms.SpaceForm()
    done, error = _save(form, lambda: structure.create_space(_actor(), **_fields(form, structure.SPACE_FIELDS)),
                        _("The space has been created."), url_for("admin.spaces"))
    return done or _form_page("admin/form.html", form, error, title=_("New space"), back=url_for("admin.spaces"))


@bp.route("/spaces/<int:space_id>", methods=["GET", "POST"])
@admin_required
def edit_space(space_id):
    space = get_for_admin_or_404(Space, space_id)
    form = forms.SpaceForm(obj=space)
    if request.method == "GET":
        form.region_id.data = space.region_id or forms.NONE
        form.country_id.data = space.country_id or forms.NONE
    done, error = _save(form, lambda: structure.update_space(_actor(), space, **_fields(
        form, structure.SPACE_FIELDS)), _("The space has been saved."), url_for("admin.spaces"))
    return done or _form_page("admin/form.html", form, error, title=space.name, back=url_for("admin.spaces"))


# --- organisations ------------------------------------------------------------------------

@bp.route("/organisations")
@admin_required
def organisations():
    items, members = structure.organisations_overview()
    return render_template("admin/organisations.html", organisations=items, members=members)


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation():
    form = forms.OrganisationForm()
    del form.focal_point_id  # a new organisation has no members to choose from yet
    if request.method == "GET" and id_argument("country"):
        form.country_id.data = id_argument("country")
    done, error = _save(form, lambda: structure.create_organisation(_actor(), **_fields(
        form, structure.ORGANISATION_FIELDS)), _("The organisation has been created."),
        url_for("admin.organisations"))
    return done or _form_page("admin/form.html", form, error, title=_("New partner organisation"),
                              back=url_for("admin.organisations"))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def edit_organisation(organisation_id):
    organisation = get_for_admin_or_404(Organisation, organisation_id)
    form = forms.OrganisationForm(obj=organisation, organisation=organisation)
    if request.method == "GET":
        form.focal_point_id.data = organisation.focal_point_id or forms.NONE
    done, error = _save(form, lambda: structure.update_organisation(_actor(), organisation, **_fields(
        form, structure.ORGANISATION_FIELDS)), _("The organisation has been saved."),
        url_for("admin.organisations"))
    return done or _form_page("admin/organisation.html", form, error, title=organisation.name,
                              back=url_for("admin.organisations"), organisation=organisation,
                              mandates=people.organisation_mandates(organisation),
                              ending_soon_days=ENDING_SOON_DAYS)


# --- people -------------------------------------------------------------------------------

@bp.route("/people", endpoint="people")  # the function's name is the module it calls
@admin_required
def list_people():
    form = forms.PeopleFilterForm(request.args)
    organisation_id = id_argument("organisation")
    pagination = people.search_people(form.q.data or "", organisation_id, page=page_number())
    return render_template("admin/people.html", form=form, pagination=pagination, today=date.today(),
                           ending_soon_days=ENDING_SOON_DAYS)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_person(user_id):
    person = get_for_admin_or_404(User, user_id)
    form = forms.PersonForm(obj=person)
    if request.method == "GET":
        form.organisation_id.data = person.organisation_id or forms.NONE
    done, error = _save(form, lambda: people.update_person(_actor(), person, **_fields(
        form, people.PERSON_FIELDS)), _("The person has been saved."),
        url_for("admin.edit_person", user_id=person.id))
    return done or _form_page("admin/person.html", form, error, person=person, back=url_for("admin.people"),
                              mandates=sorted((mandate_view(m) for m in person.mandates),
                                              key=lambda v: v.mandate.start_date, reverse=True),
                              ending_soon_days=ENDING_SOON_DAYS)


# --- volunteer mandates -------------------------------------------------------------------

@bp.route("/mandates")
@admin_required
def mandates():
    return render_template("admin/mandates.html", mandates=people.mandates_overview(), today=date.today(),
                           ending=people.mandates_ending_soon(), ending_soon_days=ENDING_SOON_DAYS,
                           specialties=dict(forms.SPECIALTIES))


@bp.route("/mandates/new", methods=["GET", "POST"])
@admin_required
def new_mandate():
    form = forms.MandateForm()
    if request.method == "GET" and id_argument("user"):
        form.user_id.data = id_argument("user")
    done, error = _save(form, lambda: people.create_mandate(_actor(), **_fields(form, people.MANDATE_FIELDS)),
                        _("The mandate has been created."), url_for("admin.mandates"))
    return done or _form_page("admin/form.html", form, error, title=_("New volunteer mandate"),
                              back=url_for("admin.mandates"))


@bp.route("/mandates/<int:mandate_id>", methods=["GET", "POST"])
@admin_required
def edit_mandate(mandate_id):
    mandate = get_for_admin_or_404(VolunteerMandate, mandate_id)
    form = forms.MandateForm(obj=mandate)
    done, error = _save(form, lambda: people.update_mandate(_actor(), mandate, **_fields(
        form, people.MANDATE_FIELDS)), _("The mandate has been saved."), url_for("admin.mandates"))
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
    done, error = _save(form, lambda: people.add_space_role(_actor(), **_fields(form, people.ROLE_FIELDS)),
                        _("The role has been given."), url_for("admin.roles"))
    return done or _form_page("admin/roles.html", form, error, roles=people.space_roles_overview())


@bp.route("/roles/<int:role_id>/remove", methods=["POST"])
@admin_required
def remove_role(role_id):
    space_role = get_for_admin_or_404(SpaceRole, role_id)
    people.remove_space_role(_actor(), space_role)
    flash(_("The role has been removed."), "success")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/admin/")
                    else url_for("admin.roles"))


# --- themes -------------------------------------------------------------------------------

@bp.route("/themes")
@admin_required
def themes():
    return render_template("admin/themes.html", themes=structure.themes_overview())


@bp.route("/themes/new", methods=["GET", "POST"])
@admin_required
def new_theme():
    form = forms.ThemeForm()
    done, error = _save(form, lambda: structure.create_theme(_actor(), **_fields(form, structure.THEME_FIELDS)),
                        _("The theme has been created."), url_for("admin.themes"))
    return done or _form_page("admin/form.html", form, error, title=_("New theme"), back=url_for("admin.themes"))


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@admin_required
def edit_theme(theme_id):
    theme = get_for_admin_or_404(Theme, theme_id)
    form = forms.ThemeForm(obj=theme)
    done, error = _save(form, lambda: structure.update_theme(_actor(), theme, **_fields(
        form, structure.THEME_FIELDS)), _("The theme has been saved."), url_for("admin.themes"))
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
    invitation = get_for_admin_or_404(Invitation, invitation_id)
    invitations.revoke_invitation(_actor(), invitation)
    flash(_("The invitation has been revoked: its link no longer works."), "success")
    return redirect(url_for("admin.invitations_page"))


# --- audit log ----------------------------------------------------------------------------

@bp.route("/audit")
@admin_required
def audit():
    actions, actors = log.filter_choices()
    form = forms.AuditFilterForm(request.args)
    form.action.choices = [("", _("All actions"))] + [(a, log.action_label(a)) for a in actions]
    form.actor.choices = [(forms.NONE, _("Anyone"))] + actors
    action = request.args.get("action") if request.args.get("action") in actions else None
    actor_id = id_argument("actor")
    pagination = log.entries(action, actor_id, page=page_number())
    return render_template("admin/audit.html", form=form, pagination=pagination, changes=log.changes,
                           targets=log.target_labels(pagination.items), action_labels=log.action_labels(),
                           field_labels=log.FIELD_LABELS)
