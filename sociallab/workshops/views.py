"""Workshop pages: the list, scheduling, registration, the calendar file and the live room."""
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from sociallab import permissions
from sociallab.errors import ServiceError, checked, refuse
from sociallab.extensions import db
from sociallab.permissions import get_space_or_404, get_workshop_or_404
from sociallab.workshops import ics, room, room_checks, room_polls, room_questions, services
from sociallab.workshops.forms import WorkshopForm
from sociallab.workshops.models import ChatMessage

bp = Blueprint("workshops", __name__)

# How much chat the server-rendered room shows; the live client keeps everything after it.
ROOM_CHAT_LINES = 100


@bp.route("/spaces/<slug>/workshops")
@login_required
def index(slug):
    space = get_space_or_404(slug)
    upcoming, past = services.workshops_of(space, upcoming=True), services.workshops_of(space, upcoming=False)
    return render_template("workshops/index.html", space=space, upcoming=upcoming, past=past,
                           counts=services.registration_counts(upcoming + past))


def _form_fields(form, zone):
    return {"title": form.title.data.strip(), "description": form.description.data or "",
            "agenda": form.agenda.data or "", "lang": form.lang.data,
            "starts_at": services.local_to_utc(form.starts_at.data, zone),
            "ends_at": services.local_to_utc(form.ends_at.data, zone),
            "video_url": (form.video_url.data or "").strip(), "capacity": form.capacity.data}


def _workshop_form(space, workshop=None):
    form = WorkshopForm(obj=workshop if request.method == "GET" else None)
    candidates = services.facilitator_candidates(space)
    if workshop is not None:
        candidates = list({p.id: p for p in candidates + list(workshop.facilitators)}.values())
    form.facilitators.choices = [(p.id, p.name) for p in candidates]
    if request.method == "GET":
        form.timezone.data = current_user.timezone or "UTC"
        if workshop is not None:
            form.starts_at.data = services.utc_to_local(workshop.starts_at, form.timezone.data)
            form.ends_at.data = services.utc_to_local(workshop.ends_at, form.timezone.data)
            form.facilitators.data = [p.id for p in workshop.facilitators]
        else:
            form.lang.data = current_user.language
    return form, {p.id: p for p in candidates}


def _form_refused(error, form, space, workshop):
    """The form again after the service refused (passages that may identify a child: they are
    shown inside the form, status 422), everything typed kept."""
    refuse(error, "error")
    return render_template("workshops/form.html", space=space, form=form, workshop=workshop), error.status


@bp.route("/spaces/<slug>/workshops/new", methods=["GET", "POST"])
@login_required
def schedule(slug):
    space = get_space_or_404(slug)
    checked(services.check_schedule, space)
    form, people = _workshop_form(space)
    if form.validate_on_submit():
        chosen = [people[i] for i in form.facilitators.data or []]
        try:
            workshop = services.schedule_workshop(space, current_user, chosen,
                                                  **_form_fields(form, form.timezone.data))
        except ServiceError as error:
            return _form_refused(error, form, space, None)
        flash(_("The workshop is scheduled."), "success")
        return redirect(services.detail_url(workshop))
    return render_template("workshops/form.html", space=space, form=form, workshop=None), \
        400 if form.errors else 200


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, workshop_id):
    workshop = get_workshop_or_404(slug, workshop_id)
    checked(services.check_update, workshop)
    form, people = _workshop_form(workshop.space, workshop)
    if form.validate_on_submit():
        chosen = [people[i] for i in form.facilitators.data or []]
        try:
            services.update_workshop(workshop, current_user, chosen, **_form_fields(form, form.timezone.data))
        except ServiceError as error:
            return _form_refused(error, form, workshop.space, workshop)
        flash(_("The workshop is updated."), "success")
        return redirect(services.detail_url(workshop))
    return render_template("workshops/form.html", space=workshop.space, form=form, workshop=workshop), \
        400 if form.errors else 200


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>")
@login_required
def detail(slug, workshop_id):
    workshop = get_workshop_or_404(slug, workshop_id)
    return render_template("workshops/detail.html", space=workshop.space, workshop=workshop,
                           registered=services.is_registered(workshop, current_user),
                           count=services.registered_count(workshop),
                           can_redact=workshop.space_id in permissions.moderated_space_ids())


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>/register", methods=["POST"])
@login_required
def register(slug, workshop_id):
    workshop = get_workshop_or_404(slug, workshop_id)
    try:
        services.register(workshop, current_user)
    except services.WorkshopError as error:
        flash(str(error), "error")
        return redirect(services.detail_url(workshop))
    flash(_("You are registered. You will get a reminder the day before."), "success")
    return redirect(services.detail_url(workshop))


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>/unregister", methods=["POST"])
@login_required
def unregister(slug, workshop_id):
    workshop = get_workshop_or_404(slug, workshop_id)
    services.unregister(workshop, current_user)
    flash(_("You are no longer registered."), "info")
    return redirect(services.detail_url(workshop))


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>/workshop.ics")
@login_required
def calendar(slug, workshop_id):
    workshop = get_workshop_or_404(slug, workshop_id)
    body = ics.ics_calendar(workshop)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="workshop-{workshop.id}.ics"'})


def _room_or_403(slug, workshop_id):
    workshop = get_workshop_or_404(slug, workshop_id)
    if permissions.is_removed_from_room(workshop):
        abort(Response(render_template(
            "errors/error.html", status=403, kept={},
            message=_("A facilitator removed you from this room for the rest of the session.")), 403))
    return workshop


def _render_room(workshop, status=200, kept=None, error=None):
    chat = db.session.scalars(db.select(ChatMessage).where(
        ChatMessage.workshop_id == workshop.id, ChatMessage.removed_at.is_(None),
        permissions.unheld_in_room(ChatMessage, workshop, current_user))
        .options(selectinload(ChatMessage.author))
        .order_by(ChatMessage.event_seq.desc()).limit(ROOM_CHAT_LINES)).all()[::-1]
    polls = room_polls.polls(workshop)
    return render_template(
        "workshops/room.html", space=workshop.space, workshop=workshop, chat=chat,
        questions=room_questions.questions(workshop), voted=room_questions.voted_question_ids(workshop, current_user),
        polls=polls, my_choices=room_polls.my_poll_choices(workshop, current_user),
        counts=room_polls.poll_counts_of(workshop, polls),
        hands=room.raised_hands(workshop), present=room.present_people(workshop),
        facilitator=permissions.can_run_workshop(workshop), kept=kept or {}, error=error,
        max_chat=room_checks.MAX_CHAT, max_question=room_checks.MAX_QUESTION), status


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>/room")
@login_required
def room_page(slug, workshop_id):
    workshop = _room_or_403(slug, workshop_id)
    # Reading the room is being in it, with or without JavaScript (the presence list counts it).
    checked(room.visit_room, workshop)
    return _render_room(workshop)


@bp.route("/spaces/<slug>/workshops/<int:workshop_id>/room/<action>", methods=["POST"])
@login_required
def room_action(slug, workshop_id, action):
    """The no-JavaScript way to act in the room: the same services as the socket events."""
    workshop = _room_or_403(slug, workshop_id)
    if action not in room.ACTIONS:
        abort(404)
    data = request.form.to_dict()
    data["option_ids"] = request.form.getlist("option_ids")
    data["options"] = (request.form.get("options") or "").splitlines()
    try:
        room.perform(workshop, current_user, action, data)
    except ServiceError as error:
        # A room refusal, or passages that may identify a child (safeguarding): the room again,
        # what was typed kept; the room's forms show those passages (safeguarding_warning).
        db.session.rollback()
        kept = {k: v for k, v in data.items() if isinstance(v, str) and k != "csrf_token"}
        if isinstance(error, room_checks.StaleNotes):
            kept["stale_notes"] = kept.pop("notes", "")
        return _render_room(workshop, status=error.status, kept=kept, error=error.message)
    anchors = {"chat": "chat", "ask": "questions", "vote_question": "questions", "mark_question": "questions",
               "open_poll": "polls", "vote_poll": "polls", "close_poll": "polls", "notes": "notes",
               "raise_hand": "hands", "lower_hand": "hands"}
    if action == "end":
        flash(_("The session has ended; its minutes are saved."), "success")
        return redirect(services.detail_url(workshop) + "#minutes")
    return redirect(url_for("workshops.room_page", slug=slug, workshop_id=workshop.id)
                    + "#" + anchors.get(action, "room"))


def workshops_upcoming(space, limit=3):
    """The next workshops of a space, for its space-home section (registered by workshops.init_app)."""
    return services.workshops_of(space, upcoming=True, limit=limit)


UPCOMING_LIMIT = 100


@bp.route("/workshops")
@login_required
def upcoming():
    """The header's workshops: what is coming in every space the person reads, soonest first."""
    workshops = services.upcoming_in(permissions.readable_space_ids(), UPCOMING_LIMIT)
    return render_template("workshops/upcoming.html", workshops=workshops,
                           counts=services.registration_counts(workshops))
