"""Initiative pages: list, create, read, edit, stages, curation, journal, indicators, dashboards, CSV."""
import tempfile
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sociallab.errors import ServiceError, checked, refuse
from sociallab.http_input import page_number
from sociallab.initiatives import curation, export, indicators, rollups, services, stages
from sociallab.initiatives.checks import InitiativeError, check_change_stage, check_create, check_edit
from sociallab.initiatives.forms import (
    CurationForm,
    IndicatorForm,
    InitiativeForm,
    JournalForm,
    StageForm,
    ValuesForm,
)
from sociallab.initiatives.models import IndicatorValue
from sociallab.permissions import (
    can_curate,
    can_read_space,
    can_view_review_queue,
    get_indicator_or_404,
    get_initiative_or_404,
    get_space_or_404,
)
from sociallab.spaces.services import spaces_for

bp = Blueprint("initiatives", __name__)


# --- finding ------------------------------------------------------------------------------

@bp.route("/initiatives")
@login_required
def index():
    filters = services.Filters.from_args(request.args)
    page = services.list_initiatives(current_user, filters, page=page_number())
    countries, themes = services.filter_choices()
    return render_template("initiatives/index.html", page=page, filters=filters, countries=countries,
                           themes=themes, spaces=spaces_for(current_user))


@bp.route("/good-practices")
@login_required
def good_practices():
    return render_template("initiatives/good_practices.html", initiatives=services.good_practices(current_user),
                           international=services.international_space())


@bp.route("/initiatives/review")
@login_required
def review_queue():
    return render_template("initiatives/review_queue.html", initiatives=checked(services.review_queue))


# --- creating and editing -----------------------------------------------------------------

def _prepare(form, spaces):
    countries, themes = services.filter_choices()
    form.offer(spaces, services.organisations_by_country(), countries, themes)


def _data(form):
    return services.initiative_data(
        title=form.title.data or "", summary=form.summary.data or "", problem=form.problem.data or "",
        approach=form.approach.data or "", target_groups=form.target_groups.data or "", lang=form.lang.data,
        lead_organisation_id=form.lead_organisation.data, co_lead_ids=form.co_leads.data,
        theme_ids=form.themes.data, country_ids=form.countries.data, start_date=form.start_date.data,
        end_date=form.end_date.data, stage=form.stage.data if "stage" in form else stages.IDEA)


def _attach_error(form, error):
    """A refused form: a refusal of access becomes its status page, else the message goes beside
    the field at fault (or above the form) and the form comes back with what was typed.

    Passages that may identify a child are found when the service saves (safeguarding): the
    change is rolled back and the form comes back with them highlighted (`safeguarding_warning()`
    inside the form) and its status (422). Returns the status the form is shown with."""
    if not isinstance(error, InitiativeError):
        refuse(error, "error")
        return error.status
    if error.forbidden:
        abort(error.status)
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = list(target.errors) + [str(error)]
    else:
        flash(str(error), "error")
    return 400


def _saved(message, item):
    """The flash after a save: said differently when the item is held for the moderators."""
    if getattr(item, "is_held", False):
        flash(_("Saved, and held for review: until a moderator approves or redacts it, only its authors and "
                "the space's moderators see it."), "warning")
    else:
        flash(message, "success")


@bp.route("/spaces/<slug>/initiatives/new", methods=["GET", "POST"])
@login_required
def new(slug):
    space = get_space_or_404(slug)
    checked(check_create, space)
    spaces = services.creatable_spaces(current_user)
    form = InitiativeForm()
    _prepare(form, spaces)
    if request.method == "GET":
        form.space.data = space.id
        form.lang.data = current_user.language
        organisation = current_user.effective_organisation()
        form.lead_organisation.data = organisation.id if organisation else None
    status = 200
    if form.validate_on_submit():
        target = next(s for s in spaces if s.id == form.space.data)
        try:
            initiative = services.create_initiative(target, current_user, _data(form))
        except ServiceError as error:
            status = _attach_error(form, error)
        else:
            _saved(_("Your draft is saved. Only your organisations see it until you submit it for review."),
                   initiative)
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    return render_template("initiatives/form.html", form=form, space=space, initiative=None), \
        400 if form.errors else status


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def edit(initiative_id):
    initiative = get_initiative_or_404(initiative_id)
    checked(check_edit, initiative)
    spaces = services.creatable_spaces(current_user, current=initiative.space)
    form = InitiativeForm(obj=initiative)
    del form.stage  # the stage moves through the stage machine, with a comment
    _prepare(form, spaces)
    if request.method == "GET":
        form.space.data = initiative.space_id
        form.lead_organisation.data = initiative.lead_organisation_id
        form.co_leads.data = [c.organisation_id for c in initiative.co_leads]
        form.countries.data = [c.id for c in initiative.countries]
        form.themes.data = [t.id for t in initiative.themes]
    status = 200
    if form.validate_on_submit():
        target = next(s for s in spaces if s.id == form.space.data)
        try:
            services.update_initiative(initiative, current_user, _data(form), space=target)
        except ServiceError as error:
            status = _attach_error(form, error)
        else:
            _saved(_("The initiative is saved."), initiative)
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id))
    return render_template("initiatives/form.html", form=form, space=initiative.space, initiative=initiative), \
        400 if form.errors else status


# --- reading ------------------------------------------------------------------------------

def _stage_form(initiative, form=None):
    form = form or StageForm()
    form.to_stage.choices = [(s, stages.STAGE_LABELS[s]) for s in stages.allowed_moves(initiative.stage)]
    return form


def _detail(initiative, stage_form=None, curation_form=None, refused=None, status=200):
    """The initiative's page; `refused` ("stage" or "curation") names the form whose comment was
    refused by safeguarding: it comes back open, with the passages and the comment kept."""
    return render_template(
        "initiatives/detail.html", initiative=initiative, stage_form=_stage_form(initiative, stage_form),
        curation_form=curation_form or CurationForm(), refused=refused,
        acts=curation.available_acts(initiative, current_user), timeline=curation.timeline(initiative),
        journal=services.visible_journal(initiative, current_user), moderates=can_curate(initiative),
        periods={i.id: indicators.periods(i) for i in initiative.indicators},
        show_discussion=initiative.thread is not None and can_read_space(initiative.space)), status


@bp.route("/initiatives/<int:initiative_id>")
@login_required
def detail(initiative_id):
    return _detail(get_initiative_or_404(initiative_id))


@bp.route("/initiatives/<int:initiative_id>/stage", methods=["POST"])
@login_required
def change_stage(initiative_id):
    initiative = get_initiative_or_404(initiative_id)
    checked(check_change_stage, initiative)
    form = StageForm()
    form.to_stage.choices = [(s, s) for s in stages.STAGES]
    if not form.validate_on_submit():
        flash(_("Choose the new stage and say why in a comment."), "error")
        return redirect(url_for("initiatives.detail", initiative_id=initiative.id, _anchor="stage"))
    try:
        stages.change_stage(initiative, form.to_stage.data, current_user, form.comment.data)
    except stages.StageError as error:
        refuse(error, "error")
        return redirect(url_for("initiatives.detail", initiative_id=initiative.id, _anchor="stage"))
    except ServiceError as error:
        refuse(error, "error")
        return _detail(initiative, stage_form=form, refused="stage", status=error.status)
    flash(_("The initiative is now at the stage “%(stage)s”.", stage=stages.stage_label(initiative.stage)), "success")
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


@bp.route("/initiatives/<int:initiative_id>/curate", methods=["POST"])
@login_required
def curate(initiative_id):
    initiative = get_initiative_or_404(initiative_id)
    form = CurationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        curation.curate(initiative, form.action.data, current_user, form.comment.data)
    except curation.CurationError as error:
        refuse(error, "error")
        return redirect(url_for("initiatives.detail", initiative_id=initiative.id, _anchor="curation"))
    except ServiceError as error:
        refuse(error, "error")
        return _detail(initiative, curation_form=form, refused="curation", status=error.status)
    flash(str(curation.EVENT_LABELS[form.action.data]), "success")
    if form.action.data in ("request_changes", "approve", "archive") and can_view_review_queue():
        return redirect(url_for("initiatives.review_queue"))
    return redirect(url_for("initiatives.detail", initiative_id=initiative.id))


# --- journal and indicators ---------------------------------------------------------------

def _editable(initiative_id):
    initiative = get_initiative_or_404(initiative_id)
    checked(check_edit, initiative)
    return initiative


@bp.route("/initiatives/<int:initiative_id>/journal/new", methods=["GET", "POST"])
@login_required
def add_journal(initiative_id):
    initiative = _editable(initiative_id)
    form = JournalForm()
    if request.method == "GET":
        form.entry_date.data = date.today()
        form.lang.data = initiative.lang
    status = 200
    if form.validate_on_submit():
        try:
            # A field left out of the POST is None; it means nothing written there.
            entry = services.add_journal_entry(initiative, current_user, form.entry_date.data, form.tried.data or "",
                                               form.observed.data or "", form.adjusted.data or "", form.lang.data,
                                               submission=form.submission.data)
        except ServiceError as error:
            status = _attach_error(form, error)
        else:
            _saved(_("The journal entry is saved."), entry)
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id, _anchor=f"journal-{entry.id}"))
    return render_template("initiatives/journal_form.html", form=form, initiative=initiative), \
        400 if form.errors else status


@bp.route("/initiatives/<int:initiative_id>/indicators/new", methods=["GET", "POST"],
          defaults={"indicator_id": None})
@bp.route("/initiatives/<int:initiative_id>/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@login_required
def indicator_form(initiative_id, indicator_id):
    initiative = _editable(initiative_id)
    indicator = get_indicator_or_404(indicator_id, initiative) if indicator_id else None
    form = IndicatorForm(obj=indicator)
    status = 200
    if form.validate_on_submit():
        try:
            saved = indicators.save_indicator(initiative, current_user, form.name.data, form.unit.data or "",
                                              form.description.data or "", form.measures.data, indicator)
        except ServiceError as error:
            status = _attach_error(form, error)
        else:
            flash(_("The indicator is saved. Now enter its values."), "success")
            return redirect(url_for("initiatives.indicator_values", initiative_id=initiative.id,
                                    indicator_id=saved.id))
    return render_template("initiatives/indicator_form.html", form=form, initiative=initiative,
                           indicator=indicator), 400 if form.errors else status


@bp.route("/initiatives/<int:initiative_id>/indicators/<int:indicator_id>/values", methods=["GET", "POST"])
@login_required
def indicator_values(initiative_id, indicator_id):
    initiative = _editable(initiative_id)
    indicator = get_indicator_or_404(indicator_id, initiative)
    form = ValuesForm()
    typed, errors = {}, {}
    if request.method == "GET":
        period = request.args.get("period", "")
        try:
            form.period.data = date.fromisoformat(period) if period else None
        except ValueError:
            form.period.data = None
        typed = indicators.typed_cells(indicator, form.period.data)
    else:
        typed = request.form
        rows, errors = indicators.parse_grid(request.form)
        if form.validate_on_submit() and not errors:
            try:
                stored = indicators.save_period(indicator, form.period.data, rows, current_user)
            except InitiativeError as error:
                abort(error.status)  # only a refusal of access: the grid was checked above
            flash(_("The values are saved.") if stored else _("The values of this period are removed."), "success")
            return redirect(url_for("initiatives.detail", initiative_id=initiative.id,
                                    _anchor=f"indicator-{indicator.id}"))
    status = 400 if (errors or form.errors) else 200
    return render_template("initiatives/values_form.html", form=form, initiative=initiative, indicator=indicator,
                           typed=typed, errors=errors, periods=indicators.periods(indicator),
                           cells=IndicatorValue.CELLS, kinds=IndicatorValue.KINDS,
                           labels=indicators.CELL_LABELS, kind_labels=indicators.KIND_LABELS), status


# --- dashboards and exports ---------------------------------------------------------------

@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("initiatives/dashboard.html", data=rollups.dashboard(current_user), space=None,
                           spaces=spaces_for(current_user))


@bp.route("/spaces/<slug>/dashboard")
@login_required
def space_dashboard(slug):
    space = get_space_or_404(slug)
    return render_template("initiatives/dashboard.html", data=rollups.dashboard(current_user, space), space=space,
                           spaces=spaces_for(current_user))


def _csv_response(lines, name):
    # Written out before the response starts (spilling to disk when large), so no database
    # work runs while the body is sent, after the request's context has gone.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  send_file closes it
    for line in lines:
        spool.write(line.encode("utf-8"))
    spool.seek(0)
    response = send_file(spool, mimetype="text/csv", as_attachment=True,
                         download_name=f"{name}-{date.today().isoformat()}.csv", max_age=0)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/initiatives/export.csv")
@login_required
def export_initiatives():
    query = services.filtered_query(current_user, services.Filters.from_args(request.args))
    return _csv_response(export.initiatives_csv(query), "initiatives")


@bp.route("/initiatives/indicator-values.csv")
@login_required
def export_values():
    query = services.filtered_query(current_user, services.Filters.from_args(request.args))
    return _csv_response(export.values_csv(query), "indicator-values")
