"""Sign in and out, invitations, passwords and the profile."""
from flask import (
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

from sociallab.accounts import bp, invitations, services
from sociallab.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteColleagueForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from sociallab.accounts.models import Invitation
from sociallab.extensions import db, limiter
from sociallab.mail import send_mail
from sociallab.permissions import can_invite
from sociallab.spaces.models import Organisation


def _failed_login(response):
    # Only failed attempts count against the limit; a successful sign-in redirects.
    return request.method == "POST" and response.status_code == 200


def _login_email_key():
    return "login-email:" + services.normalize_email(request.form.get("email", ""))


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target):
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("spaces.my_spaces")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed_login)
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key, deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.my_spaces"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A new session at sign-in: nothing set before it (a fixated session) survives.
            next_url = _safe_next(request.args.get("next"))
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(next_url)
        flash(_("The e-mail address or the password is not correct."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    if current_user.is_authenticated:
        logout_user()
    try:
        invitation = services.get_valid_invitation(token)
    except services.AccountError as error:
        return render_template("accounts/invitation_invalid.html", message=str(error)), 410
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.language.data = invitation.language
        form.timezone.data = invitation.organisation.country.timezone
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.name.data, form.password.data,
                                              form.language.data, form.timezone.data)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
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
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.active:
            token = services.password_reset_token(user)
            link = url_for("accounts.reset_password", token=token, _external=True)
            with force_locale(user.language):
                send_mail(user.email, _("Choose a new Sociallab password"),
                          render_template("accounts/mail/reset_password.txt", user=user, link=link))
        # The same answer whether or not the address has an account.
        flash(_("If an account exists for this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = services.user_from_reset_token(token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your password has been changed. Sign in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.language.data, form.timezone.data,
                                form.notify_email.data)
        db.session.commit()
        with force_locale(current_user.language):
            flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
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
        current_user.language = lang
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


def _organisation_to_invite_into_or_404(organisation_id):
    """The organisation, if this person may invite into it; 404 otherwise so nothing leaks."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_invite(organisation):
        abort(404)
    return organisation


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@login_required
def invite(organisation_id):
    """A focal point (or an administrator) invites a colleague into the organisation."""
    organisation = _organisation_to_invite_into_or_404(organisation_id)
    form = InviteColleagueForm()
    if request.method == "GET":
        form.language.data = current_user.language
    error = None
    if form.validate_on_submit():
        try:
            invitations.send_invitation(current_user._get_current_object(), form.email.data, organisation,
                                        form.language.data)
        except services.AccountError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
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
    organisation = _organisation_to_invite_into_or_404(organisation_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        abort(404)
    invitations.revoke_invitation(current_user._get_current_object(), invitation)
    db.session.commit()
    flash(_("The invitation has been revoked: its link no longer works."), "success")
    return redirect(url_for("accounts.invite", organisation_id=organisation.id))
