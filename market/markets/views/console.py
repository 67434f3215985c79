"""The manager console (``/quan-ly``): its home, markets, their managers, stalls and posters.

Every route needs a manager; a market's manager sees only their markets (others are 404), and
only provincial managers create markets and assign managers.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from catalog.bank_checks import PayoutAccount, confirm_account, is_checked
from catalog.models import Producer, ProducerStatus, Product
from market.accounts import grants
from market.extensions import db
from market.forms import form_error, options
from market.i18n import local_today
from market.markets import approvals, place_reviews, posters, reports, sales, scopes, stalls
from market.markets.access import market_or_404, stall_or_404, visible
from market.markets.errors import MarketError
from market.markets.forms import (
    ActionForm,
    ManagerForm,
    MarketForm,
    ProvincialGrantForm,
    RemoveManagerForm,
    StallForm,
    StallProductsForm,
)
from market.markets.labels import template_labels
from market.markets.models import Market, MarketManager, Stall
from market.permissions import (
    admin_required,
    is_provincial,
    manager_required,
    provincial_manager_required,
)

bp = Blueprint("markets", __name__, url_prefix="/quan-ly")
bp.context_processor(template_labels)


@bp.get("")
@manager_required
def home() -> ResponseReturnValue:
    """Today's sales in the manager's scope, what waits for approval, and the markets."""
    today = local_today()
    scope, _notes = scopes.resolve_scope(None, current_user)
    period = scopes.Period(today, today, scopes.Grain.DAY)
    week = scopes.Period(today - timedelta(days=6), today, scopes.Grain.DAY)
    markets = db.session.scalars(
        sa.select(Market).where(visible(Market.id, current_user)).order_by(Market.name)
    ).all()
    return render_template(
        "markets/console.html",
        scope=scope,
        today_summary=reports.summary(scope, period),
        week_summary=reports.summary(scope, week),
        queues=approvals.queue_counts() if is_provincial(current_user) else None,
        places_open=place_reviews.open_count() if is_provincial(current_user) else 0,
        markets=markets,
        stall_counts=_stall_counts([m.id for m in markets]),
        provincial=is_provincial(current_user),
    )


def _stall_counts(market_ids: list[int]) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(Stall.market_id, sa.func.count())
            .where(Stall.market_id.in_(market_ids), Stall.active)
            .group_by(Stall.market_id)
        ).all()
    )


# -- markets ----------------------------------------------------------------------------------


@bp.get("/cho")
@manager_required
def market_list() -> ResponseReturnValue:
    """The markets this manager may see, with their number of stalls."""
    markets = db.session.scalars(
        sa.select(Market)
        .where(visible(Market.id, current_user))
        .order_by(Market.area_slug, Market.name)
    ).all()
    return render_template(
        "markets/markets.html",
        markets=markets,
        stall_counts=_stall_counts([m.id for m in markets]),
        provincial=is_provincial(current_user),
    )


def _market_data(form: MarketForm) -> stalls.MarketData:
    return stalls.MarketData(
        name=form.name.data or "",
        commune_code=form.place.data or "",
        area_slug=form.area.data or "",
        address=form.address.data or "",
        market_days=form.market_days.data or "",
        active=bool(form.active.data),
    )


@bp.route("/cho/moi", methods=["GET", "POST"])
@provincial_manager_required
def market_new() -> ResponseReturnValue:
    """Create a market (provincial managers only)."""
    form = MarketForm()
    if form.validate_on_submit():
        try:
            market = stalls.create_market(_market_data(form))
        except MarketError as error:
            form_error(form, error)
        else:
            flash(_("Market %(name)s created. Add its stalls now.", name=market.name), "success")
            return redirect(url_for(".market", market_id=market.id))
    return render_template("markets/market_form.html", form=form, market=None)


@bp.route("/cho/<int:market_id>", methods=["GET", "POST"])
@manager_required
def market(market_id: int) -> ResponseReturnValue:
    """A market: its details (editable by its managers), stalls and managers."""
    item = market_or_404(market_id)
    form = MarketForm(obj=item)
    if request.method == "GET":
        form.place.data = item.commune_code or ""
        form.area.data = item.area_slug or ""
    if form.validate_on_submit():
        try:
            stalls.update_market(item, _market_data(form))
        except MarketError as error:
            form_error(form, error)
        else:
            flash(_("Market saved."), "success")
            return redirect(url_for(".market", market_id=item.id))
    managers = db.session.scalars(
        sa.select(MarketManager)
        .where(MarketManager.market_id == item.id)
        .order_by(MarketManager.created_at)
    ).all()
    return render_template(
        "markets/market.html",
        market=item,
        form=form,
        managers=managers,
        manager_form=ManagerForm(),
        remove_form=RemoveManagerForm(),
        provincial=is_provincial(current_user),
    )


@bp.post("/cho/<int:market_id>/quan-ly")
@provincial_manager_required
def manager_add(market_id: int) -> ResponseReturnValue:
    """Assign a manager to the market."""
    item = market_or_404(market_id)
    form = ManagerForm()
    if form.validate_on_submit():
        try:
            assignment = stalls.assign_manager(item, form.login.data, current_user)
        except MarketError as error:
            flash(str(error), "error")
        else:
            flash(_("%(name)s now runs this market.", name=assignment.user.name), "success")
    else:
        flash(_("Enter the manager's e-mail or mobile number."), "error")
    return redirect(url_for(".market", market_id=item.id) + "#managers")


@bp.post("/cho/<int:market_id>/quan-ly/xoa")
@provincial_manager_required
def manager_remove(market_id: int) -> ResponseReturnValue:
    """Take a manager off the market."""
    item = market_or_404(market_id)
    form = RemoveManagerForm()
    if form.validate_on_submit() and str(form.user_id.data).isdigit():
        stalls.remove_manager(item, int(form.user_id.data))
        flash(_("The manager no longer runs this market."), "success")
    return redirect(url_for(".market", market_id=item.id) + "#managers")


@bp.route("/quan-ly-tinh", methods=["GET", "POST"])
@admin_required
def provincial() -> ResponseReturnValue:
    """Admins give managers the whole province (money, payouts, approvals), or take it back."""
    form = ProvincialGrantForm()
    if form.validate_on_submit():
        granted = form.grant.data == "1"
        try:
            user = grants.set_provincial(form.login.data, granted, by=f"user {current_user.id}")
        except grants.NotAManager as error:
            form.login.errors = [*form.login.errors, error.message]
        else:
            message = (
                _("%(name)s now manages the whole province.", name=user.name)
                if granted
                else _("%(name)s no longer manages the whole province.", name=user.name)
            )
            flash(message, "success")
            return redirect(url_for(".provincial"))
    return render_template(
        "markets/provincial.html",
        form=form,
        managers=grants.provincial_managers(),
    )


# -- stalls -----------------------------------------------------------------------------------


def _producer_choices() -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            sa.select(Producer.id, Producer.name)
            .where(Producer.status != ProducerStatus.SUSPENDED)
            .order_by(Producer.name)
        ).all()
    )


def _stall_data(form: StallForm) -> stalls.StallData:
    return stalls.StallData(
        number=form.number.data or "",
        producer_id=form.producer_id.data or 0,
        name=form.name.data or "",
        bank_bin=form.bank_bin.data or "",
        bank_account=form.bank_account.data or "",
        bank_holder=form.bank_holder.data or "",
        active=bool(form.active.data),
    )


@bp.route("/cho/<int:market_id>/sap/moi", methods=["GET", "POST"])
@manager_required
def stall_new(market_id: int) -> ResponseReturnValue:
    """Add a stall to the market."""
    item = market_or_404(market_id)
    form = StallForm(producers=_producer_choices())
    if form.validate_on_submit():
        try:
            stall = stalls.create_stall(item, _stall_data(form), current_user)
        except MarketError as error:
            form_error(form, error)
        else:
            flash(
                _(
                    "Stall %(number)s added. Choose its products and print its poster.",
                    number=stall.number,
                ),
                "success",
            )
            return redirect(url_for(".stall", stall_id=stall.id))
    return render_template("markets/stall_form.html", form=form, market=item, stall=None)


@bp.route("/sap/<int:stall_id>", methods=["GET", "POST"])
@manager_required
def stall(stall_id: int) -> ResponseReturnValue:
    """A stall: its poster, public page, account, products and recent sales."""
    item = stall_or_404(stall_id)
    form = StallForm(obj=item, producers=_producer_choices())
    if form.validate_on_submit():
        try:
            stalls.update_stall(item, _stall_data(form), current_user)
        except MarketError as error:
            form_error(form, error)
        else:
            flash(_("Stall saved. Reprint its poster if the account changed."), "success")
            return redirect(url_for(".stall", stall_id=item.id))
    products_form = StallProductsForm(products=[p.id for p in item.products])
    products_form.products.choices = options(_product_choices(item))
    today = local_today()
    since = scopes.Period(today, today, scopes.Grain.DAY).utc_bounds()[0]
    return render_template(
        "markets/stall.html",
        stall=item,
        form=form,
        products_form=products_form,
        check_code=stalls.check_code(item),
        account_checked=_account_checked(item),
        check_form=ActionForm(prefix="check"),
        public_url=stalls.public_url(item),
        recent=sales.recent_sales(item, since - timedelta(days=6), limit=20),
        today_totals=sales.totals_since(item, since),
    )


def _product_choices(stall: Stall) -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            sa.select(Product.id, Product.name)
            .where(Product.producer_id == stall.producer_id)
            .order_by(Product.name)
        ).all()
    )


@bp.post("/sap/<int:stall_id>/san-pham")
@manager_required
def stall_products(stall_id: int) -> ResponseReturnValue:
    """Choose the products sold at the stall."""
    item = stall_or_404(stall_id)
    form = StallProductsForm()
    form.products.choices = options(_product_choices(item))
    if form.validate_on_submit():
        try:
            stalls.set_stall_products(item, list(form.products.data or []))
        except MarketError as error:
            flash(str(error), "error")
        else:
            flash(_("Products saved."), "success")
    else:
        flash(_("Choose among this producer's products."), "error")
    return redirect(url_for(".stall", stall_id=item.id) + "#products")


def _account_checked(stall: Stall) -> bool:
    """Whether a manager checked the stall's account as its producer's (catalog's rule)."""
    return is_checked(stall.producer_id, stall.bank_bin, stall.bank_account, stall.bank_holder)


def _unchecked_poster(stall: Stall) -> ResponseReturnValue | None:
    """A poster carries only a checked account: otherwise back to the stall page, and why."""
    if _account_checked(stall):
        return None
    flash(_("A provincial manager must check the stall's account before its poster is printed."))
    return redirect(url_for(".stall", stall_id=stall.id), 303)


@bp.post("/sap/<int:stall_id>/kiem-tra-tai-khoan")
@provincial_manager_required
def check_stall_account(stall_id: int) -> ResponseReturnValue:
    """A provincial manager confirms the stall account's holder is the stall's producer."""
    item = stall_or_404(stall_id)
    if ActionForm(prefix="check").validate_on_submit():
        account = PayoutAccount(item.bank_bin, item.bank_account, item.bank_holder)
        confirm_account(item.producer_id, current_user.id, account)
        flash(_("Account checked: the poster can be printed."), "success")
    return redirect(url_for(".stall", stall_id=item.id), 303)


@bp.get("/sap/<int:stall_id>/ap-phich-<size>.pdf")
@manager_required
def poster_pdf(stall_id: int, size: str) -> ResponseReturnValue:
    """The stall's poster as a printable PDF, A4 or A5."""
    item = stall_or_404(stall_id)
    if size not in posters.SIZES:
        abort(404)
    if (refused := _unchecked_poster(item)) is not None:
        return refused
    return _download(
        posters.poster_pdf(item, size), "application/pdf", f"ap-phich-{item.code}-{size}.pdf"
    )


@bp.get("/sap/<int:stall_id>/ap-phich.png")
@manager_required
def poster_png(stall_id: int) -> ResponseReturnValue:
    """The stall's poster as a PNG image (A5 proportions)."""
    item = stall_or_404(stall_id)
    if (refused := _unchecked_poster(item)) is not None:
        return refused
    return _download(posters.poster_png(item), "image/png", f"ap-phich-{item.code}.png")


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)
