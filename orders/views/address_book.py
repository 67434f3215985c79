"""The signed-in shopper's address book (``/tai-khoan/dia-chi``) and the communes of a province
as JSON for the address pickers' script (``/dia-chi/xa-phuong``)."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from market import places
from orders.address_book import (
    MAX_ADDRESSES,
    AddressBookFull,
    AddressEntry,
    SavedAddress,
    add_address,
    addresses_of,
    delete_address,
    owned_address,
    update_address,
)
from orders.address_forms import UPDATE_ACTION
from orders.forms import AddressBookForm, DeleteAddressForm
from orders.views import keep_private

bp = Blueprint("address_book", __name__, url_prefix="/tai-khoan/dia-chi")
bp.after_request(keep_private)
api = Blueprint("places_api", __name__, url_prefix="/dia-chi")

# The list changes only with a new release of the administrative units.
COMMUNES_MAX_AGE = 86_400


@api.get("/xa-phuong")
def communes() -> ResponseReturnValue:
    """The communes and wards of a province (``?tinh=01``), by name."""
    province = places.province(request.args.get("tinh", ""))
    if province is None:
        abort(404)
    response = jsonify(
        choose=_("Choose…"),
        communes=[{"code": c, "name": n} for c, n in places.commune_choices(province.code)],
    )
    response.headers["Cache-Control"] = f"public, max-age={COMMUNES_MAX_AGE}"
    return response


def _own(address_id: int) -> SavedAddress:
    saved = owned_address(current_user.id, address_id)
    if saved is None:
        abort(404)  # unknown, or another shopper's: the same answer
    return saved


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The shopper's addresses with edit and delete."""
    return render_template(
        "orders/address_book.html",
        addresses=addresses_of(current_user.id),
        delete_form=DeleteAddressForm(),
        max_addresses=MAX_ADDRESSES,
    )


def _edit(form: AddressBookForm, saved: SavedAddress | None) -> ResponseReturnValue:
    """Show the form; on "Save", keep the address (``saved`` None: a new one)."""
    if request.form.get("action") != UPDATE_ACTION and form.validate_on_submit():
        entry = AddressEntry((form.label.data or "").strip(), form.typed_address())
        if saved is None:
            try:
                add_address(current_user.id, entry)
            except AddressBookFull:
                flash(_("Your address book is full: delete an address first."), "error")
                return redirect(url_for(".index"), 303)
            flash(_("Address added."), "success")
        else:
            update_address(saved, entry)
            flash(_("Address saved."), "success")
        return redirect(url_for(".index"), 303)
    return render_template("orders/address_form.html", form=form, saved=saved)


@bp.route("/them", methods=["GET", "POST"])
@login_required
def add() -> ResponseReturnValue:
    """Add an address: province, then commune or ward, then street."""
    form = AddressBookForm()
    form.set_address_choices()
    return _edit(form, None)


@bp.route("/<int:address_id>/sua", methods=["GET", "POST"])
@login_required
def edit(address_id: int) -> ResponseReturnValue:
    """Change one of the shopper's addresses."""
    saved = _own(address_id)
    form = AddressBookForm(
        data=None
        if request.method == "POST"
        else {
            "label": saved.label,
            "province": saved.province_code,
            "commune": saved.commune_code,
            "street": saved.street,
        }
    )
    form.set_address_choices()
    return _edit(form, saved)


@bp.post("/<int:address_id>/xoa")
@login_required
def delete(address_id: int) -> ResponseReturnValue:
    """Remove one of the shopper's addresses."""
    saved = _own(address_id)
    if DeleteAddressForm().validate_on_submit():
        delete_address(saved)
        flash(_("Address deleted."), "success")
    else:
        flash(_("This form has expired. Please reload the page and try again."), "error")
    return redirect(url_for(".index"), 303)
