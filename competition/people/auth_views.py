"""Signing in and out, changing one's password, and choosing the language.

A signed-in browser's cookie names its server-side session (:mod:`competition.people.sessions`),
checked on every request by :func:`load_user`; sign-in and reset requests are throttled
(:mod:`competition.people.throttling`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from competition.audit.operations import email_fingerprint, record
from competition.competitions.manage import manage_tabs
from competition.extensions import db, login_manager
from competition.i18n import LANGUAGES
from competition.links import absolute_url
from competition.models import User
from competition.notifications.operations import queue_password_reset
from competition.people.models import password_matches
from competition.people.operations import change_password, password_reset_token, user_for_reset_token
from competition.people.passwords import MIN_PASSWORD_LENGTH, password_problems
from competition.people.sessions import end_session, signed_in_user, start_session
from competition.people.throttling import TooManyAttempts, claim_attempt, count_failure, forget_attempts
from competition.policy import organised_competitions, roles_anywhere
from competition.web.forms import PageForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to open that page.")
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"


# Where Flask's session cookie keeps the token of the server-side session.
SESSION_TOKEN = "_session_token"
# What signing in and out keep of the cookie: the language chosen.
KEPT_ACROSS_SIGN_IN = ("language",)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of this request's live session; a session that has ended (signed out elsewhere,
    a new password, deactivation, idle or too old) signs the browser out."""
    token = session.get(SESSION_TOKEN)
    user = None
    if user_id.isdigit() and isinstance(token, str):
        config = current_app.config
        user = signed_in_user(token, int(user_id), idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                              lifetime=timedelta(hours=config["SESSION_MAX_HOURS"]))
    if user is None:
        for key in ("_user_id", "_fresh", "_id", SESSION_TOKEN):
            session.pop(key, None)
    return user


def _fresh_cookie() -> None:
    """Forget everything in the cookie but the language: the session before signing in (and its
    CSRF token) is not the session after it."""
    kept: dict[str, Any] = {key: session[key] for key in KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's per-request copy


class NewPassword:
    """The rules for a new password (:func:`~competition.people.passwords.password_problems`),
    naming the field by its label."""

    def __call__(self, form: PageForm, field: PasswordField) -> None:
        problems = password_problems(field.data or "", str(field.label.text))
        if problems:
            raise ValidationError(problems[0])


class LoginForm(PageForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordChangeForm(PageForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()],
                        description=_l("At least %(count)s characters, and not one of the most common "
                                       "passwords.", count=MIN_PASSWORD_LENGTH))
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])


class ForgotPasswordForm(PageForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])


class ResetPasswordForm(PageForm):
    new = PasswordField(_l("New password"), validators=[DataRequired(), NewPassword()],
                        description=_l("At least %(count)s characters, and not one of the most common "
                                       "passwords.", count=MIN_PASSWORD_LENGTH))
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])


class LanguageForm(PageForm):
    language = SelectField(choices=list(LANGUAGES))


def safe_next(target: str | None, home: str | None = None) -> str:
    """Only local paths are followed after signing in or switching language; otherwise ``home``,
    or the list of competitions."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return home or url_for("public.index")


# Where each role's work is, in the order a person with several roles lands: the organiser's
# management first (it leads to everything of the competition), then the verification queue, the
# judge's scoring and the OPD's innovations, the order in which the roles act on a competition.
ROLE_HOMES = (("organiser", None), ("verifier", "verification.queue"), ("judge", "scoring.index"),
              ("submitter", "innovations.mine"))


def home_of(user: User) -> str:
    """The page ``user`` lands on after signing in: the work of their first role in
    :data:`ROLE_HOMES`; the list of competitions for someone with no role."""
    roles = roles_anywhere(user)
    for role, endpoint in ROLE_HOMES:
        if role not in roles:
            continue
        if endpoint is None:
            tabs = manage_tabs(organised_competitions(user)[0])
            if tabs:
                return tabs[0][2]
        elif endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("public.index")


def greeting(name: str) -> str:
    """The greeting after signing in; a name that ends in a full stop ("M.M.") ends the sentence."""
    if name.rstrip().endswith("."):
        return _("Welcome, %(name)s", name=name.rstrip())
    return _("Welcome, %(name)s.", name=name)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = LoginForm()
    if form.validate_on_submit():
        if not claim_attempt(form.email.data):
            raise TooManyAttempts()
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        tried = {"email_hmac": email_fingerprint(form.email.data)}
        if password_matches(user, form.password.data) and user is not None:
            forget_attempts(form.email.data)
            if not user.active:
                record("sign_in.failed", None, subject=user, details={**tried, "reason": "deactivated"})
                flash(_("This account has been deactivated. Ask the organiser."), "danger")
            else:
                _fresh_cookie()
                login_user(user)
                session[SESSION_TOKEN] = start_session(user)
                record("sign_in", user, subject=user)
                flash(greeting(user.name), "success")
                return redirect(safe_next(request.args.get("next"), home_of(user)))
        else:
            count_failure()
            record("sign_in.failed", None, subject=user, details=tried)
            flash(_("E-mail or password is wrong."), "danger")
    return render_template("people/auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    end_session(session.get(SESSION_TOKEN))
    logout_user()
    _fresh_cookie()
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not claim_attempt(current_user.email):
            raise TooManyAttempts()
        if current_user.check_password(form.current.data):
            forget_attempts(current_user.email)
        else:
            form.current.errors = [_("The current password is wrong.")]
        if not form.current.errors:
            change_password(current_user, form.new.data, keep_session=session.get(SESSION_TOKEN))
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("public.index"))
    return render_template("people/auth/password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    """Ask for a reset link by e-mail. The answer is the same whether or not the address is
    known, so the page cannot be used to find out who has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is not None and user.active:
            link = absolute_url("auth.reset_password", token=password_reset_token(user))
            queue_password_reset(user, link)
        flash(_("If the address belongs to an account, a link to choose a new password is on its way. "
                "It works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("people/auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    user = user_for_reset_token(token)
    if user is None:
        flash(_("This link has expired or has already been used. Ask for a new one."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        change_password(user, form.new.data, how="reset")
        flash(_("Your password has been changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("people/auth/reset.html", form=form, welcome=False)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> str | Response:
    """The invitation link of a new account: its owner chooses a password."""
    user = user_for_reset_token(token, purpose="invitation")
    if user is None:
        flash(_("This invitation has expired or has already been used. Ask for a password reset "
                "link instead."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        change_password(user, form.new.data, how="chosen")
        flash(_("Your password is set. Sign in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("people/auth/reset.html", form=form, welcome=True, user=user)


@bp.post("/language")
def language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
    return redirect(safe_next(request.form.get("next")))
