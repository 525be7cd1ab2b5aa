"""The moderators' pages: held items to review, and redacting any item after the fact."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from sociallab import permissions
from sociallab.errors import refuse
from sociallab.safeguarding import review
from sociallab.safeguarding.forms import ConfirmForm, RedactForm

bp = Blueprint("safeguarding", __name__)


@bp.route("/moderation/sensitive")
@login_required
def queue():
    if not permissions.can_review_sensitive():
        abort(404)
    return render_template("safeguarding/review.html", items=review.queue(current_user), form=ConfirmForm())


@bp.route("/moderation/sensitive/<int:item_id>/approve", methods=["POST"])
@login_required
def approve(item_id):
    item = permissions.get_sensitive_item_or_404(item_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        review.approve(item, current_user)
        flash(_("Approved: it is now shown to the space."), "success")
    except review.ReviewError as error:
        refuse(error)
    return redirect(url_for("safeguarding.queue"))


@bp.route("/moderation/sensitive/<int:item_id>/redact", methods=["POST"])
@login_required
def redact_held(item_id):
    item = permissions.get_sensitive_item_or_404(item_id)
    content_type, obj = review.item_of(item)
    if obj is None:
        abort(404)
    try:
        review.check_still_held(item)
    except review.ReviewError as error:
        refuse(error)
        return redirect(url_for("safeguarding.queue"))
    return _redact(content_type, obj, url_for("safeguarding.queue"))


@bp.route("/moderation/redact/<type_name>/<int:item_id>", methods=["GET", "POST"])
@login_required
def redact(type_name, item_id):
    content_type, obj = permissions.get_redactable_or_404(type_name, item_id)
    if request.method == "GET":
        return _redact_page(content_type, obj, RedactForm())
    return _redact(content_type, obj, content_type.url(obj))


def _redact_page(content_type, obj, form, status=200):
    fields = [(field, getattr(obj, field) or "") for field in content_type.fields]
    findings = {field: review.detector.check(text) for field, text in fields}
    return render_template("safeguarding/redact.html", content_type=content_type, obj=obj, fields=fields,
                           findings=findings, form=form), status


def _redact(content_type, obj, next_url):
    form = RedactForm()
    if not form.validate_on_submit():
        return _redact_page(content_type, obj, form, 400)
    try:
        count = review.redact(obj, current_user, review.parse_passages(form.passages.data))
    except review.ReviewError as error:
        refuse(error)
        return _redact_page(content_type, obj, form, error.status)
    flash(ngettext("%(num)d passage removed, from its history and notifications too.",
                   "%(num)d passages removed, from its history and notifications too.", count), "success")
    return redirect(next_url)
