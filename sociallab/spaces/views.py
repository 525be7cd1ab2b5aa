"""My spaces and each space's home page."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from sociallab.permissions import get_space_or_404
from sociallab.spaces import services
from sociallab.spaces.sections import section_templates

bp = Blueprint("spaces", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.my_spaces"))
    return redirect(url_for("accounts.login"))


@bp.route("/spaces")
@login_required
def my_spaces():
    return render_template("spaces/my_spaces.html", spaces=services.spaces_for(current_user))


@bp.route("/spaces/<slug>")
@login_required
def space_home(slug):
    space = get_space_or_404(slug)
    return render_template("spaces/home.html", space=space,
                           organisations=services.member_organisations(space),
                           sections=section_templates())
