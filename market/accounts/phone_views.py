"""The page where the SMS code is entered, for a sign-up, a reset or a changed number."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from market.accounts import code_requests, phone_accounts, phone_codes
from market.accounts.forms import CodeForm, ResetByCodeForm
from market.accounts.models import CodePurpose, PhoneCode
from market.accounts.services import LoginTaken
from market.accounts.views import bp, code_refusal, login_limit
from market.extensions import limiter
from market.i18n import select_locale
from market.phone import spaced
from market.urls import safe_next_url

START_PAGES = {
    CodePurpose.SIGNUP: "accounts.signup",
    CodePurpose.RESET: "accounts.reset_request",
    CodePurpose.CHANGE_PHONE: "accounts.profile",
}


def _waiting_code() -> PhoneCode:
    """The code this session waits for; a number change only for the account that asked."""
    row = code_requests.waiting_code()
    if row is None:
        abort(404)
    if row.purpose is CodePurpose.CHANGE_PHONE and (
        not current_user.is_authenticated or row.user_id != current_user.id
    ):
        abort(404)
    return row


def _start_again(row: PhoneCode, message: str) -> ResponseReturnValue:
    code_requests.forget()
    flash(message, "error")
    return redirect(url_for(START_PAGES[row.purpose]))


@bp.route("/ma-xac-nhan", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def enter_code() -> ResponseReturnValue:
    """Take the code sent by SMS (and, for a reset, the new password) and finish the request."""
    row = _waiting_code()
    form = ResetByCodeForm() if row.purpose is CodePurpose.RESET else CodeForm()
    if form.validate_on_submit():
        try:
            return _finish(row, form)
        except phone_codes.WrongCode as wrong:
            form.code.errors.append(
                ngettext(
                    "This is not the code we sent. You can try %(num)s more time.",
                    "This is not the code we sent. You can try %(num)s more times.",
                    wrong.remaining,
                )
            )
        except phone_codes.CodeSpent:
            return _start_again(
                row, _("This code has expired, was used or was tried too often. Ask for a new one.")
            )
        except LoginTaken:
            if row.purpose is CodePurpose.SIGNUP:
                code_requests.forget()
                flash(
                    _(
                        "This number already has an account. Sign in, or choose “Forgot your "
                        "password?” to get a code."
                    ),
                    "info",
                )
                return redirect(url_for("accounts.login"))
            return _start_again(row, _("Another account uses this email or number."))
    return render_template(
        "accounts/enter_code.html",
        form=form,
        row=row,
        number=spaced(row.phone),
        usable=phone_codes.usable(row),
        start_page=START_PAGES[row.purpose],
    )


def _finish(row: PhoneCode, form: CodeForm) -> ResponseReturnValue:
    if row.purpose is CodePurpose.SIGNUP:
        user = phone_accounts.finish_signup(row, form.code.data, select_locale())
        code_requests.forget()
        login_user(user)
        flash(_("Welcome to Chợ Quê, %(name)s!", name=user.name), "success")
        return redirect(safe_next_url(request.args.get("next")))
    if row.purpose is CodePurpose.RESET:
        assert isinstance(form, ResetByCodeForm)
        phone_accounts.finish_reset(row, form.code.data, form.password.data)
        code_requests.forget()
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    phone_accounts.finish_phone_change(row, form.code.data, current_user._get_current_object())
    code_requests.forget()
    flash(_("Your mobile number is changed."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/ma-xac-nhan/gui-lai")
@limiter.limit(login_limit)
@code_requests.sends_codes
def resend_code() -> ResponseReturnValue:
    """Send a new code for the same request; the earlier code stops working."""
    row = _waiting_code()
    if row.used_at is not None:  # done already (a copy of the session): nothing to resend
        abort(404)
    try:
        new = phone_accounts.resend(row, code_requests.client_address(), select_locale())
    except phone_codes.CodeError as refused:
        flash(code_refusal(refused), "error")
    else:
        code_requests.remember(new)
        flash(_("We have sent a new code. The earlier one no longer works."), "info")
    return redirect(url_for("accounts.enter_code", next=request.args.get("next")))
