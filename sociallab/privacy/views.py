"""Personal-data pages: a person downloads their data or asks for their deletion; administrators complete it."""
import tempfile

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sociallab.errors import ServiceError, refuse
from sociallab.extensions import db
from sociallab.permissions import admin_required, get_deletion_request_or_404
from sociallab.privacy import services
from sociallab.privacy.forms import ConfirmForm, DeletionRequestForm

bp = Blueprint("privacy", __name__)


def _me():
    return current_user._get_current_object()


@bp.route("/account/data", methods=["GET", "POST"])
@login_required
def export_data():
    form = ConfirmForm()
    if form.validate_on_submit():
        # On disk, not in memory: the archive holds every file the person uploaded.
        archive = tempfile.TemporaryFile()  # noqa: SIM115 — send_file closes it once sent
        try:
            services.export_data(_me(), _me(), archive)
        except ServiceError as error:
            archive.close()
            db.session.rollback()
            refuse(error)
            return redirect(url_for("privacy.export_data"))
        archive.seek(0)
        return send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=f"sociallab-data-{current_user.handle}.zip", max_age=0)
    return render_template("privacy/export.html", form=form)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def request_deletion():
    form = DeletionRequestForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.request_deletion(_me(), form.password.data, _me())
        except ServiceError as error:
            db.session.rollback()
            if error.forbidden:
                refuse(error)
            form.password.errors.append(str(error.message))
            status = error.status
        else:
            flash(_("Your request has been sent. An administrator will delete your account."), "success")
            return redirect(url_for("privacy.request_deletion"))
    elif form.is_submitted():
        status = 400
    return render_template("privacy/delete.html", form=form, cancel_form=ConfirmForm()), status


@bp.route("/account/delete/cancel", methods=["POST"])
@login_required
def cancel_deletion():
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.cancel_deletion(_me(), _me())
        except ServiceError as error:
            db.session.rollback()
            refuse(error, "info")
        else:
            flash(_("Your deletion request is cancelled: your account stays."), "success")
    return redirect(url_for("privacy.request_deletion"))


@bp.route("/admin/deletion-requests")
@admin_required
def deletion_requests():
    return render_template("privacy/admin_requests.html", people=services.deletion_requests())


@bp.route("/admin/deletion-requests/<int:user_id>/complete", methods=["POST"])
@admin_required
def complete_deletion(user_id):
    person = get_deletion_request_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.complete_deletion(person, _me())
        except ServiceError as error:
            db.session.rollback()
            refuse(error)
        else:
            flash(_("The account has been deleted. What it wrote in shared places now reads as "
                    "“Former member”."), "success")
    return redirect(url_for("privacy.deletion_requests"))
