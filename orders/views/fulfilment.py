"""The producer's order pages under the workspace: parts by state, a part, actions, packing slip.

Every route checks on the server that the user acts for the producer in the URL, and loads
parts only of that producer: another producer's part is a 404 like an unknown one.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from catalog.models import Producer
from catalog.permissions import require_producer_access
from market.extensions import db
from orders import fulfilment, services, shipments, traceability
from orders.carriers import CarrierError, ShipmentStatus
from orders.errors import InvalidTransition
from orders.forms import AcceptForm, AdvanceForm, BulkForm, ProducerCancelForm
from orders.lifecycle import FULFILMENT_ACTIONS, Action, action_label, allowed_actions
from orders.models import OrderPart, PartStatus
from orders.templating import producer_order_links
from orders.transitions import Actor
from orders.views import keep_private

bp = Blueprint("fulfilment", __name__, url_prefix="/ban-hang")
bp.after_request(keep_private)


def _acting_for(producer_id: int) -> tuple[Producer, Actor]:
    access = require_producer_access(producer_id)
    return db.get_or_404(Producer, producer_id), Actor.of(current_user, access)


def _part(producer_id: int, part_id: int) -> OrderPart:
    return db.first_or_404(
        sa.select(OrderPart)
        .where(OrderPart.id == part_id, OrderPart.producer_id == producer_id)
        .options(
            so.joinedload(OrderPart.order),
            so.selectinload(OrderPart.lines),
            so.selectinload(OrderPart.events),
        )
    )


@bp.get("/don-hang")
@login_required
def overview() -> ResponseReturnValue:
    """The producers the user acts for, with their new orders; straight through if only one."""
    links = producer_order_links()
    if len(links) == 1:
        return redirect(url_for("fulfilment.parts", producer_id=links[0][0].id))
    return render_template("orders/fulfilment/overview.html", links=links)


@bp.get("/<int:producer_id>/don-hang/")
def parts(producer_id: int) -> ResponseReturnValue:
    """The producer's order parts in one state tab, with a form to act on several."""
    producer, _actor = _acting_for(producer_id)
    services.expire_overdue(producer_id=producer_id)
    group = fulfilment.GROUPS_BY_KEY.get(request.args.get("state", ""), fulfilment.STATE_GROUPS[0])
    page = db.paginate(
        fulfilment.parts_query(producer_id, group).options(
            so.joinedload(OrderPart.order), so.selectinload(OrderPart.lines)
        ),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    form = BulkForm()
    form.action.choices = [SelectChoice(a.value, action_label(a)) for a in FULFILMENT_ACTIONS]
    return render_template(
        "orders/fulfilment/parts.html",
        producer=producer,
        group=group,
        groups=fulfilment.STATE_GROUPS,
        counts=fulfilment.group_counts(producer_id),
        page=page,
        form=form,
    )


@bp.post("/<int:producer_id>/don-hang/hang-loat")
def bulk(producer_id: int) -> ResponseReturnValue:
    """Take one action on the parts ticked in the list."""
    _producer, actor = _acting_for(producer_id)
    form = BulkForm()
    ids = [int(v) for v in request.form.getlist("part") if v.isdigit()]
    back = url_for("fulfilment.parts", producer_id=producer_id, state=request.args.get("state"))
    if not form.validate_on_submit() or form.action.data not in {
        a.value for a in FULFILMENT_ACTIONS
    }:
        flash(_("Choose an action."), "error")
        return redirect(back, 303)
    if not ids:
        flash(_("Tick the orders to act on."), "error")
        return redirect(back, 303)
    done, refusals = fulfilment.bulk_advance(
        producer_id, ids, Action(form.action.data), actor, form.note.data or ""
    )
    if done:
        flash(
            _("%(action)s: %(n)s order(s).", action=action_label(Action(form.action.data)), n=done),
            "success",
        )
    for message in refusals:
        flash(message, "warning")
    return redirect(back, 303)


@bp.get("/<int:producer_id>/don-hang/<int:part_id>")
def part(producer_id: int, part_id: int) -> ResponseReturnValue:
    """One part: lines, the buyer's contact and (for home delivery) address, history, actions."""
    producer, actor = _acting_for(producer_id)
    item = _part(producer_id, part_id)
    services.expire_if_due(item.order)
    fulfilment.mark_seen(item)
    return _part_page(producer, item, actor, ProducerCancelForm())


def _part_page(
    producer: Producer, item: OrderPart, actor: Actor, cancel_form: ProducerCancelForm
) -> str:
    actions = allowed_actions(item, actor.role)
    picks_lots = any(action in fulfilment.LOT_ACTIONS for action in actions)
    return render_template(
        "orders/fulfilment/part.html",
        producer=producer,
        part=item,
        order=item.order,
        actions=actions,
        advance_form=AdvanceForm(),
        accept_form=AcceptForm(),
        cancel_form=cancel_form,
        lots=traceability.shipped_lots([item])[item.id],
        lot_choices=traceability.lot_choices(item) if picks_lots else {},
        lot_actions=fulfilment.LOT_ACTIONS,
        shipment=shipments.of_parts([item]).get(item.id),
    )


def _picked_lots(item: OrderPart) -> dict[int, int] | None:
    """The lot picked per line (``lot-<line id>``; empty means oldest first); None if forged."""
    picked = {}
    for line in item.lines:
        value = request.form.get(f"lot-{line.id}", "")
        if not value:
            continue
        if not value.isdigit():
            return None
        picked[line.id] = int(value)
    return picked


@bp.post("/<int:producer_id>/don-hang/<int:part_id>/chuyen")
def advance(producer_id: int, part_id: int) -> ResponseReturnValue:
    """Pack, ship, mark ready, delivered or picked up."""
    _producer, actor = _acting_for(producer_id)
    item = _part(producer_id, part_id)
    form = AdvanceForm()
    lots = _picked_lots(item)
    if not form.validate_on_submit() or form.action.data not in {
        a.value for a in FULFILMENT_ACTIONS
    }:
        flash(_("Unknown action."), "error")
    elif lots is None:
        flash(_("Pick each lot from the list."), "error")
    else:
        action = Action(form.action.data)
        try:
            fulfilment.advance_part(item, action, actor, form.note.data or "", lots)
        except InvalidTransition as error:
            flash(error.message, "error")
        else:
            flash(_("Done: %(action)s.", action=action_label(action)), "success")
    return redirect(url_for("fulfilment.part", producer_id=producer_id, part_id=part_id), 303)


@bp.post("/<int:producer_id>/don-hang/<int:part_id>/nhan")
def accept(producer_id: int, part_id: int) -> ResponseReturnValue:
    """Accept a new cash order: it stops expiring and the shopper is told."""
    _producer, actor = _acting_for(producer_id)
    item = _part(producer_id, part_id)
    if not AcceptForm().validate_on_submit():
        flash(_("Unknown action."), "error")
    else:
        try:
            fulfilment.accept_part(item, actor)
        except InvalidTransition as error:
            flash(error.message, "error")
        else:
            flash(_("Order accepted; the shopper is told."), "success")
    return redirect(url_for("fulfilment.part", producer_id=producer_id, part_id=part_id), 303)


@bp.post("/<int:producer_id>/don-hang/<int:part_id>/huy")
def cancel(producer_id: int, part_id: int) -> ResponseReturnValue:
    """Cancel the part with a reason for the shopper; its stock goes back on sale."""
    producer, actor = _acting_for(producer_id)
    item = _part(producer_id, part_id)
    form = ProducerCancelForm()
    if not form.validate_on_submit():
        return _part_page(producer, item, actor, form), 400
    try:
        services.cancel_part(item, actor, form.reason.data)
    except InvalidTransition as error:
        flash(error.message, "error")
    else:
        flash(_("The order is cancelled and the shopper informed."), "success")

    return redirect(url_for("fulfilment.part", producer_id=producer_id, part_id=part_id), 303)


@bp.get("/<int:producer_id>/don-hang/<int:part_id>/phieu-giao-hang")
def slip(producer_id: int, part_id: int) -> ResponseReturnValue:
    """A printable packing slip for the part, with the lots it ships (or would ship) from."""
    producer, _actor = _acting_for(producer_id)
    item = _part(producer_id, part_id)
    lots = traceability.shipped_lots([item])[item.id]
    proposed = item.status in (PartStatus.AWAITING_FULFILMENT, PartStatus.PACKED)
    return render_template(
        "orders/fulfilment/slip.html",
        producer=producer,
        part=item,
        order=item.order,
        lots=traceability.proposed_lots(item) if proposed else lots,
        lots_proposed=proposed,
    )


@bp.get("/<int:producer_id>/don-hang/<int:part_id>/tem-van-chuyen")
def carrier_label(producer_id: int, part_id: int) -> ResponseReturnValue:
    """The carrier's shipping label (PDF) of a packed carrier part, asked of the carrier now."""
    _acting_for(producer_id)
    item = _part(producer_id, part_id)
    shipment = shipments.of_parts([item]).get(item.id)
    if shipment is None or shipment.status == ShipmentStatus.CANCELLED:
        abort(404)
    try:
        pdf = shipments.carrier_of(item).label_pdf(shipment.tracking_code)
    except (CarrierError, InvalidTransition) as error:
        flash(
            _("The carrier's label cannot be fetched now: %(reason)s", reason=error.message),
            "error",
        )
        return redirect(url_for("fulfilment.part", producer_id=producer_id, part_id=part_id), 303)
    name = f"{shipment.carrier}-{shipment.tracking_code}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
