"""Sign-up, sign-in, sign-out, password reset and profile pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from market.accounts import services
from market.accounts.forms import (
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from market.extensions import db, limiter
from market.i18n import select_locale
from market.mail import send_mail
from market.urls import safe_next_url

bp = Blueprint("accounts", __name__, url_prefix="/tai-khoan")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/dang-ky", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup() -> ResponseReturnValue:
    """Create a shopper account and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.name.data, form.login.data, form.password.data, locale=select_locale()
            )
        except services.LoginTaken:
            form.login.errors.append(_("An account with this email or number already exists."))
        else:
            login_user(user)
            flash(_("Welcome to Chợ Quê, %(name)s!", name=user.name), "success")
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("accounts/signup.html", form=form)


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Sign in with email or mobile number."""
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong email, number or password."))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/dang-xuat")
def logout() -> ResponseReturnValue:
    """Sign out (a POST, so a link elsewhere cannot sign people out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    """Email a reset link; the answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_by_login(form.email.data.strip().lower())
        if user is not None and user.active:
            link = url_for(
                "accounts.reset_password", token=services.make_reset_token(user), _external=True
            )
            send_mail(
                user.email or "",
                _("Reset your Chợ Quê password"),
                _(
                    "Open this link within %(minutes)s minutes to choose a new password:\n"
                    "%(link)s\n\nIf you did not ask for it, ignore this message.",
                    link=link,
                    minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
                ),
            )
        flash(_("If that address has an account, we have sent it a reset link."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password from a valid, unused link."""
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/ho-so", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    """Edit name, contact details and language."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower() or None
        phone = form.phone.data or None
        if not email and not phone:
            form.email.errors.append(_("Keep an email address or a mobile number."))
        elif _taken_by_other(email, phone):
            form.email.errors.append(_("Another account uses this email or number."))
        else:
            current_user.name = form.name.data.strip()
            current_user.email = email
            current_user.phone = phone
            current_user.locale = form.locale.data
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


def _taken_by_other(email: str | None, phone: str | None) -> bool:
    for login in (email, phone):
        if login:
            owner = services.find_by_login(login)
            if owner is not None and owner.id != current_user.id:
                return True
    return False
