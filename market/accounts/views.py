"""Sign-up, sign-in, sign-out, password reset and profile pages."""

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import Field

from market.accounts import code_requests, phone_accounts, phone_codes, services
from market.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from market.accounts.models import PhoneCode
from market.extensions import db, limiter
from market.i18n import select_locale
from market.language_urls import url_in
from market.mail import send_mail
from market.urls import public_url, safe_next_url

bp = Blueprint("accounts", __name__, url_prefix="/tai-khoan")


def login_limit() -> str:
    """The limit on forms that take a password or a code, per client address."""
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/dang-ky", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@code_requests.sends_codes
def signup() -> ResponseReturnValue:
    """Create a shopper account: with an email at once, with a mobile number once its code is
    back."""
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = SignupForm()
    if form.validate_on_submit():
        if "@" not in form.login.data:
            return _code_sent(
                lambda: phone_accounts.start_signup(
                    form.login.data,
                    form.name.data,
                    form.password.data,
                    code_requests.client_address(),
                    select_locale(),
                ),
                form.login,
                next=request.args.get("next"),
            ) or render_template("accounts/signup.html", form=form)
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


def _code_sent(
    start: Callable[[], PhoneCode], field: Field, **url_args: str | None
) -> ResponseReturnValue | None:
    """To the code page once ``start`` has sent a code; else None, with why not on ``field``."""
    try:
        row = start()
    except phone_codes.CodeError as refused:
        field.errors.append(code_refusal(refused))
        return None
    code_requests.remember(row)
    return redirect(url_for("accounts.enter_code", **url_args))


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
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
            if not request.args.get("next"):  # to their home page, in their saved language
                return redirect(url_in(user.locale, "catalog.home"))
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/dang-xuat")
def logout() -> ResponseReturnValue:
    """Sign out (a POST: no link can do it), ending every session of the account.

    Sessions live in signed cookies, so ending only this one would leave a stolen copy of it, or
    of its remember-me cookie, signed in: the account's session version moves on instead.
    """
    if current_user.is_authenticated:
        services.sign_out_everywhere(current_user)
    logout_user()
    flash(_("You are signed out, here and on your other devices."), "info")
    return redirect(url_for("catalog.home"))


@bp.post("/dang-xuat-moi-thiet-bi")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """End every session and remember-me cookie of the account, this device's too."""
    services.sign_out_everywhere(current_user)
    logout_user()
    flash(_("You are signed out on every device. Sign in again to continue."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"])
def change_password() -> ResponseReturnValue:
    """Choose a new password; every other device is signed out, this one stays signed in."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.WrongPassword:
            form.current.errors.append(_("This is not your current password."))
        else:
            # The session version changed: sign this device in again under the new one, keeping
            # its remember-me cookie if it had one.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/quen-mat-khau", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@code_requests.sends_codes
def reset_request() -> ResponseReturnValue:
    """Email a reset link, or text a code to a phone account; the answer is the same whether
    or not the address or number is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        if "@" not in form.login.data:
            return _code_sent(
                lambda: phone_accounts.start_reset(
                    form.login.data, code_requests.client_address(), select_locale()
                ),
                form.login,
            ) or render_template("accounts/reset_request.html", form=form)
        user = services.find_by_login(form.login.data)
        if user is not None and user.active:
            link = public_url("accounts.reset_password", token=services.make_reset_token(user))
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
            db.session.commit()
        flash(_("If that address has an account, we have sent it a reset link."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/dat-lai-mat-khau/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
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
@code_requests.sends_codes
def profile() -> ResponseReturnValue:
    """Edit name, contact details and language; a new mobile number waits for its SMS code."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower() or None
        phone = form.phone.data or None
        new_phone = phone if phone and phone != current_user.phone else None
        if not email and not phone:
            form.email.errors.append(_("Keep an email address or a mobile number."))
        elif _email_taken_by_other(email):
            form.email.errors.append(_("Another account uses this email or number."))
        else:
            try:
                row = (
                    phone_accounts.start_phone_change(
                        current_user, new_phone, code_requests.client_address()
                    )
                    if new_phone
                    else None
                )
            except phone_codes.CodeError as refused:
                form.phone.errors.append(code_refusal(refused))
            else:
                current_user.name = form.name.data.strip()
                current_user.email = email
                if not new_phone and phone != current_user.phone:
                    current_user.phone = None  # the number removed
                    current_user.phone_verified_at = None
                current_user.locale = form.locale.data
                db.session.commit()
                if row is not None:
                    code_requests.remember(row)
                    flash(
                        _("Your profile is saved. Enter the code we sent to the new number."),
                        "info",
                    )
                    return redirect(url_in(current_user.locale, "accounts.enter_code"))
                flash(_("Your profile is saved."), "success")
                return redirect(url_in(current_user.locale, "accounts.profile"))
    return render_template("accounts/profile.html", form=form)


def _email_taken_by_other(email: str | None) -> bool:
    owner = services.find_by_login(email) if email else None
    return owner is not None and owner.id != current_user.id


def code_refusal(error: phone_codes.CodeError) -> str:
    """Why no code was sent: no SMS gateway here, or too many codes today."""
    if isinstance(error, phone_codes.NoSmsGateway):
        return _("We cannot send SMS codes yet. Use an email address, or ask a market helper.")
    return _(
        "Too many codes were asked for this number or from this connection today. Try again "
        "tomorrow, or ask a market helper."
    )
