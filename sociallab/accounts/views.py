"""Sign in and out, invitations, passwords and the profile."""
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from sociallab.accounts import invitations, services, signin_limits
from sociallab.accounts.checks import AccountError, InvitationUnusable
from sociallab.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteColleagueForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from sociallab.accounts.mandates import ENDING_SOON_DAYS, mandates_ahead
from sociallab.accounts.redirects import local_path
from sociallab.errors import ServiceError, refuse
from sociallab.extensions import db, limiter
from sociallab.permissions import get_invitation_or_404, get_organisation_to_invite_into_or_404

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.my_spaces"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.check_sign_in(form.email.data, form.password.data, request.remote_addr)
        except signin_limits.TooManyAttempts as error:
            flash(str(error.message), "error")
            return render_template("accounts/login.html", form=form), error.status
        if user is not None:
            # A new session at sign-in: nothing set before it (a fixated session) survives.
            next_url = local_path(request.args.get("next")) or url_for("spaces.my_spaces")
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(next_url)
        flash(_("The e-mail address or the password is not correct."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(local_path(request.form.get("next")) or url_for("accounts.login"))


@bp.after_app_request
def renew_remember_cookie(response):
    """A remembered person who keeps using the site stays remembered: the cookie's month starts
    again, at most once a day. (Flask-Login's REMEMBER_COOKIE_REFRESH_EACH_REQUEST would also give
    a cookie to people who did not ask to be remembered.) Runs before Flask-Login's own hook,
    which sets the cookie."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    today = date.today().isoformat()
    if (cookie in request.cookies and request.endpoint != "static" and "_remember" not in session
            and session.get("_remember_renewed") != today and current_user.is_authenticated):
        session["_remember"] = "set"
        session["_remember_renewed"] = today
    return response


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    try:
        invitation = services.get_valid_invitation(token)
    except InvitationUnusable as error:
        return render_template("accounts/invitation_invalid.html", message=str(error.message)), error.status
    if current_user.is_authenticated:
        # Opening a link must not sign anyone out: the person decides, with a sign-out button.
        return render_template("accounts/invitation_signed_in.html", invitation=invitation), \
            409 if request.method == "POST" else 200
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.language.data = invitation.language
        form.timezone.data = invitation.organisation.country.timezone
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.name.data, form.password.data,
                                              form.language.data, form.timezone.data)
        except InvitationUnusable as error:
            db.session.rollback()
            return render_template("accounts/invitation_invalid.html", message=str(error.message)), error.status
        except AccountError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            session.clear()
            login_user(user)
            flash(_("Welcome to Sociallab!"), "success")
            return redirect(url_for("spaces.my_spaces"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(_("If an account exists for this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = services.user_from_reset_token(token)
    except AccountError as error:
        flash(str(error.message), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except AccountError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            # The link proved the person holds the account's e-mail: they are in, even while a
            # stranger's wrong passwords keep the sign-in form locked.
            session.clear()
            login_user(user)
            flash(_("Your password has been changed and you are signed in."), "success")
            return redirect(url_for("spaces.my_spaces"))
    # A refused password is a 400 too, with the form shown again and the reason above it.
    return render_template("accounts/reset_password.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user._get_current_object(), form.name.data, form.language.data,
                                    form.timezone.data, form.notify_email.data)
        except ServiceError as error:
            refuse(error)
            return _profile_page(form), error.status
        with force_locale(current_user.language):
            flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _profile_page(form)


def _profile_page(form):
    return render_template("accounts/profile.html", form=form, mandates=mandates_ahead(current_user),
                           ending_soon_days=ENDING_SOON_DAYS)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user._get_current_object(), form.current_password.data,
                                     form.password.data)
        except AccountError as error:
            db.session.rollback()
            form.current_password.errors.append(str(error.message))
        else:
            # Every other session has ended; keep this one by signing in again with the new token.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Your other sessions have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang):
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    if current_user.is_authenticated:
        services.set_language(current_user._get_current_object(), lang)
    return redirect(local_path(request.form.get("next")) or url_for("spaces.my_spaces"))


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@login_required
def invite(organisation_id):
    """A focal point (or an administrator) invites a colleague into the organisation."""
    organisation = get_organisation_to_invite_into_or_404(organisation_id)
    form = InviteColleagueForm()
    if request.method == "GET":
        form.language.data = current_user.language
    error = None
    if form.validate_on_submit():
        try:
            invitations.send_invitation(current_user._get_current_object(), form.email.data, organisation,
                                        form.language.data)
        except AccountError as refusal:
            db.session.rollback()
            if refusal.forbidden:
                abort(refusal.status)
            error = str(refusal.message)
        else:
            flash(_("The invitation has been sent to %(email)s.", email=services.normalize_email(form.email.data)),
                  "success")
            return redirect(url_for("accounts.invite", organisation_id=organisation.id))
    return render_template("accounts/invite.html", form=form, organisation=organisation, error=error,
                           pending=invitations.pending_invitations(organisation),
                           revoke_url=lambda i: url_for("accounts.revoke_invitation", organisation_id=organisation.id,
                                                        invitation_id=i.id)), 400 if request.method == "POST" else 200


@bp.route("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(organisation_id, invitation_id):
    organisation = get_organisation_to_invite_into_or_404(organisation_id)
    invitation = get_invitation_or_404(invitation_id, organisation)
    try:
        invitations.revoke_invitation(current_user._get_current_object(), invitation)
    except AccountError as refusal:
        db.session.rollback()
        refuse(refusal)
        return redirect(url_for("accounts.invite", organisation_id=organisation.id))
    flash(_("The invitation has been revoked: its link no longer works."), "success")
    return redirect(url_for("accounts.invite", organisation_id=organisation.id))
