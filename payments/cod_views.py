"""The manager's page for cash carriers collected on delivery: what each carrier holds, the
receivables still open, the differences, and the import of a carrier's COD statement."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from market.permissions import provincial_manager_required
from orders import carriers
from payments import carrier_cod
from payments.cod_statements import ImportResult, StatementError, import_statement
from payments.forms import CodStatementForm

bp = Blueprint("carrier_cod", __name__, url_prefix="/quan-ly/doi-soat/thu-ho")


def _form() -> CodStatementForm:
    form = CodStatementForm()
    known = {balance.carrier for balance in carrier_cod.carrier_balances()}
    configured = carriers.configured()
    codes = list(configured) + sorted(known - set(configured))
    form.carrier.choices = [
        SelectChoice(code, configured[code].name if code in configured else code) for code in codes
    ]
    return form


def _page(form: CodStatementForm, result: ImportResult | None = None, status: int = 200):
    return render_template(
        "payments/carrier_cod.html",
        form=form,
        result=result,
        balances=carrier_cod.carrier_balances(),
        receivables=carrier_cod.open_receivables(),
        differences=carrier_cod.differences(),
    ), status


@bp.get("")
@provincial_manager_required
def overview() -> ResponseReturnValue:
    """What each carrier holds, open receivables, differences, and the import form."""
    return _page(_form())


@bp.post("")
@provincial_manager_required
def import_file() -> ResponseReturnValue:
    """Import a carrier's COD statement: every line, or none when a row is wrong."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=400)
    if form.carrier.data not in {choice.value for choice in form.carrier.choices}:
        form.carrier.errors.append(_("Choose a carrier."))
        return _page(form, status=400)
    upload = form.statement.data
    try:
        result = import_statement(
            form.carrier.data, upload.read(), upload.filename or "", current_user.id
        )
    except StatementError as error:
        form.statement.errors.append(error.message)
        return _page(form, status=400)
    if result.problems:
        return _page(form, result, status=400)
    flash(
        _(
            "%(n)s line(s) recorded, %(old)s already imported before.",
            n=len(result.recorded),
            old=result.already,
        ),
        "success",
    )
    return redirect(url_for("carrier_cod.overview"), 303)
