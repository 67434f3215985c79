"""Workspace pages: the producer list, onboarding, dashboard, profile, bank account, team, log."""

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from catalog import audit
from catalog.images import ImageRejected, delete_image, store_upload
from catalog.models import Producer
from catalog.permissions import producers_for
from catalog.workspace import dashboard as sales
from catalog.workspace import producers
from catalog.workspace.blueprint import bp, owner_only, uploads
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.forms import (
    ActionForm,
    BankForm,
    HelperGrantForm,
    LoginForm,
    OnboardingForm,
    ProfileForm,
)
from market import registry
from market.accounts.services import find_by_login
from market.accounts.supervision import team_of
from market.extensions import db
from market.forms import form_error
from market.i18n import local_today
from market.urls import public_url

AUDIT_PAGE_SIZE = 50


@bp.get("/")
def home() -> ResponseReturnValue:
    """The producers the user works for or helps with what awaits each, and invitations."""
    shops = producers_for(current_user)
    waiting = registry.WAITING_ORDERS.get()
    return render_template(
        "workspace/home.html",
        producers=shops,
        waiting=waiting([p.id for p in shops]) if waiting else {},
        invitations=producers.invitations_waiting_for(current_user),
        leads_team=bool(team_of(current_user)),
    )


def _profile(form: ProfileForm) -> producers.Profile:
    return producers.Profile(
        name=form.name.data or "",
        kind=form.kind_value,
        commune_code=form.place.data or "",
        area_slug=form.area.data or "",
        address=form.address.data or "",
        phone=form.phone.data or "",
        story=form.story.data or "",
    )


def _bank(form: BankForm | OnboardingForm) -> producers.BankAccount:
    return producers.BankAccount(
        form.bank_bin.data or None, form.bank_account.data or None, form.bank_holder.data or None
    )


def _photo_key(form: ProfileForm) -> str | None:
    files = uploads("photo")
    if not files:
        return None
    try:
        return store_upload(files[0][1]).key
    except ImageRejected as error:
        form.photo.errors = [str(error)]
        raise


@bp.route("/dang-ky", methods=["GET", "POST"])
def onboarding() -> ResponseReturnValue:
    """Create a producer profile owned by the signed-in user."""
    form = OnboardingForm()
    if form.validate_on_submit():
        try:
            photo = _photo_key(form)
        except ImageRejected:
            return render_template("workspace/onboarding.html", form=form), 422
        try:
            producer = producers.create_producer(current_user, _profile(form), _bank(form), photo)
        except WorkspaceError as error:
            if photo:
                delete_image(photo)
            form_error(form, error)
        else:
            flash(_("Your shop is created. A market manager will verify it soon."), "success")
            return redirect(url_for("workspace.product_new", producer_id=producer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/onboarding.html", form=form), status


@bp.route("/loi-moi/<token>", methods=["GET", "POST"])
def invitation(token: str) -> ResponseReturnValue:
    """Accept an invitation to join a producer's staff."""
    found = producers.invitation_for_token(token)
    if found is None:
        flash(_("This invitation is invalid, used or expired. Ask for a new one."), "error")
        return redirect(url_for("workspace.home"))
    form = ActionForm()
    if form.validate_on_submit():
        try:
            producers.accept_invitation(found, current_user)
        except WorkspaceError as error:
            flash(str(error), "error")
        else:
            flash(_("You joined %(name)s.", name=found.producer.name), "success")
            return redirect(url_for("workspace.dashboard", producer_id=found.producer_id))
    return render_template("workspace/invitation.html", invitation=found, form=form)


@bp.get("/<int:producer_id>/")
def producer_root(producer_id: int) -> ResponseReturnValue:
    """Redirect the bare producer URL to its dashboard."""
    return redirect(url_for("workspace.dashboard", producer_id=producer_id))


@bp.get("/<int:producer_id>/tong-quan")
def dashboard(producer_id: int) -> ResponseReturnValue:
    """Sales for today, 7 or 30 days, best sellers, low stock and orders to fulfil."""
    period_key, period = sales.period_for(request.args.get("period"), local_today())
    summary = sales.sales_summary(producer_id, period)
    return render_template(
        "workspace/dashboard.html",
        period_key=period_key,
        period=period,
        summary=summary,
        bars=sales.chart_bars(summary),
        chart_width=sales.CHART_WIDTH,
        chart_height=sales.CHART_HEIGHT,
        top=sales.top_products(producer_id, period),
        low=sales.low_stock(producer_id),
        awaiting=sales.awaiting_fulfilment(producer_id),
        awaiting_url=sales.awaiting_fulfilment_url(producer_id),
    )


@bp.route("/<int:producer_id>/ho-so", methods=["GET", "POST"])
def profile(producer_id: int) -> ResponseReturnValue:
    """Edit what shoppers see about the producer."""
    producer: Producer = g.producer
    form = ProfileForm(obj=producer)
    if request.method == "GET":
        form.kind.data = producer.kind.value
        form.place.data = producer.commune_code or ""
        form.area.data = producer.area_slug or ""
    if form.validate_on_submit():
        try:
            photo = _photo_key(form)
        except ImageRejected:
            return render_template("workspace/profile.html", form=form), 422
        try:
            producers.update_profile(producer, _profile(form), g.actor, photo)
        except WorkspaceError as error:
            if photo:
                delete_image(photo)
            form_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("workspace.profile", producer_id=producer_id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/profile.html", form=form), status


@bp.route("/<int:producer_id>/ngan-hang", methods=["GET", "POST"])
@owner_only
def bank(producer_id: int) -> ResponseReturnValue:
    """Change the bank account VietQR transfers go to (owner only)."""
    producer: Producer = g.producer
    form = BankForm()
    if request.method == "GET":
        form.bank_bin.data = producer.bank_bin or ""
        form.bank_account.data = producer.bank_account or ""
        form.bank_holder.data = producer.bank_holder or ""
    if form.validate_on_submit():
        try:
            producers.update_bank(producer, _bank(form), g.actor)
        except WorkspaceError as error:
            form_error(form, error)
        else:
            flash(_("The bank account is saved."), "success")
            return redirect(url_for("workspace.profile", producer_id=producer_id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/bank.html", form=form), status


def _team_page(invite_form: LoginForm, helper_form: HelperGrantForm, status: int = 200):
    producer_id = g.producer.id
    return render_template(
        "workspace/team.html",
        members=producers.members(producer_id),
        invitations=producers.open_invitations(producer_id),
        grants=producers.active_grants(producer_id),
        invite_form=invite_form,
        helper_form=helper_form,
        action_form=ActionForm(),
    ), status


@bp.get("/<int:producer_id>/nhom")
@owner_only
def team(producer_id: int) -> ResponseReturnValue:
    """Staff, open invitations and helpers, with forms to change them."""
    return _team_page(LoginForm(prefix="invite"), HelperGrantForm(prefix="helper"))


@bp.post("/<int:producer_id>/nhom/moi")
@owner_only
def invite(producer_id: int) -> ResponseReturnValue:
    """Invite someone to the staff by email or mobile number."""
    form = LoginForm(prefix="invite")
    if form.validate_on_submit():
        try:
            token = producers.invite_staff(g.producer, form.login.data, g.actor)
        except WorkspaceError as error:
            form_error(form, error)
        else:
            link = public_url("workspace.invitation", token=token)
            flash(_("Invitation ready. Send them this link: %(link)s", link=link), "success")
            return redirect(url_for("workspace.team", producer_id=producer_id))
    return _team_page(form, HelperGrantForm(prefix="helper"), 422)


@bp.post("/<int:producer_id>/nhom/loi-moi/<int:invitation_id>/huy")
@owner_only
def uninvite(producer_id: int, invitation_id: int) -> ResponseReturnValue:
    """Cancel an open invitation."""
    if ActionForm().validate_on_submit():
        try:
            producers.revoke_invitation(g.producer, invitation_id, g.actor)
            flash(_("The invitation is cancelled."), "success")
        except WorkspaceError as error:
            flash(str(error), "error")
    return redirect(url_for("workspace.team", producer_id=producer_id))


@bp.post("/<int:producer_id>/nhom/nhan-vien/<int:user_id>/xoa")
@owner_only
def remove_member(producer_id: int, user_id: int) -> ResponseReturnValue:
    """Remove a staff member."""
    if ActionForm().validate_on_submit():
        try:
            producers.remove_staff(g.producer, user_id, g.actor)
            flash(_("Removed from your team."), "success")
        except WorkspaceError as error:
            flash(str(error), "error")
    return redirect(url_for("workspace.team", producer_id=producer_id))


@bp.post("/<int:producer_id>/nhom/tro-giup")
@owner_only
def grant(producer_id: int) -> ResponseReturnValue:
    """Let a community digital-technology helper act for the producer."""
    form = HelperGrantForm(prefix="helper")
    if form.validate_on_submit():
        try:
            helper = find_by_login(form.login.data)
            producers.grant_helper(g.producer, helper, g.actor, notices=form.notices.data)
        except WorkspaceError as error:
            form_error(form, error)
        else:
            flash(_("The helper can now act for you."), "success")
            return redirect(url_for("workspace.team", producer_id=producer_id))
    return _team_page(LoginForm(prefix="invite"), form, 422)


@bp.post("/<int:producer_id>/nhom/tro-giup/<int:grant_id>/thong-bao")
@owner_only
def helper_notices(producer_id: int, grant_id: int) -> ResponseReturnValue:
    """Start or stop sending the producer's notices to a helper (``notices`` = "1" or "0")."""
    if ActionForm().validate_on_submit():
        try:
            on = request.form.get("notices") == "1"
            producers.set_helper_notices(g.producer, grant_id, on, g.actor)
            flash(_("Saved."), "success")
        except WorkspaceError as error:
            flash(str(error), "error")
    return redirect(url_for("workspace.team", producer_id=producer_id))


@bp.post("/<int:producer_id>/nhom/tro-giup/<int:grant_id>/thu-hoi")
@owner_only
def revoke(producer_id: int, grant_id: int) -> ResponseReturnValue:
    """End a helper's access."""
    if ActionForm().validate_on_submit():
        try:
            producers.revoke_helper(g.producer, grant_id, g.actor)
            flash(_("The helper's access is revoked."), "success")
        except WorkspaceError as error:
            flash(str(error), "error")
    return redirect(url_for("workspace.team", producer_id=producer_id))


@bp.get("/<int:producer_id>/nhat-ky")
@owner_only
def audit_log(producer_id: int) -> ResponseReturnValue:
    """Every change made in the workspace, newest first (owner only)."""
    page = db.paginate(audit.entries_for(producer_id), per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("workspace/audit.html", page=page)
