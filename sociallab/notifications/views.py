"""The notifications page: read them, open them, mark one or all as read."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from sociallab.http_input import page_number
from sociallab.notifications import messages, services
from sociallab.permissions import get_notification_or_404

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    page = services.for_user(current_user, page_number())
    return render_template("notifications/index.html", page=page, render=messages.render, form=FlaskForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id):
    """Mark one as read; with go=1, open what it is about."""
    notification = get_notification_or_404(notification_id)
    if FlaskForm().validate_on_submit():
        services.mark_read(notification, current_user)
    target = services.safe_target(notification)
    if request.form.get("go") == "1" and target:
        return redirect(target)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    if FlaskForm().validate_on_submit():
        services.mark_all_read(current_user)
        flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
