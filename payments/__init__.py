"""Payments: VietQR bank transfers confirmed by bank webhooks, Stripe cards, cash; one ledger.

Other packages plug in through ``payments.targets`` (what a payment code pays for) and call
``payments.services``; see docs in ``payments/targets.py``.
"""

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from payments import cod_models, earning_models, models  # noqa: F401  (registers the tables)

payments_cli = AppGroup("payments", help="Payment ledger maintenance.")


@payments_cli.command("reprocess")
def reprocess_command() -> None:
    """Process bank notifications and Stripe events stored but never processed."""
    from payments.jobs import reprocess_stored

    notifications, events = reprocess_stored()
    click.echo(f"Processed {notifications} notification(s) and {events} event(s).")


@payments_cli.command("verify")
def verify_command() -> None:
    """Check that every đồng received is accounted for (docs/money.md); exit 1 naming the
    orders and producers that break it."""
    from payments.balance import verify

    proof = verify()
    for term in ("received", "owed", "kept_in_cash", "refunds_due", "refunded", "awaiting", "fees"):
        click.echo(f"{term:>13}: {proof.total(term):>15,} đồng")
    click.echo(f"{'paid_out':>13}: {proof.paid_out:>15,} đồng (of owed)")
    for carrier, amount in sorted(proof.carrier_receivable.items()):
        click.echo(f"carrier {carrier} holds {amount:,} đồng collected on delivery")
    for producer, amount in sorted(proof.owed_back.items()):
        click.echo(f"producer {producer} owes back {amount:,} đồng refunded after its payout")
    for where, why in proof.problems:
        click.echo(f"BROKEN {where}: {why}", err=True)
    if not proof.ok:
        click.echo(f"{len(proof.problems)} problem(s): the ledger does not balance.", err=True)
        raise SystemExit(1)
    click.echo(f"Balanced: {len(proof.codes)} payment code(s), every đồng accounted for.")


@payments_cli.command("settle")
@click.option("--now", type=click.DateTime(), default=None, help="Settle as of this UTC time.")
def settle_command(now: datetime | None) -> None:
    """Make payable the parts received SETTLEMENT_DAYS ago with no open hold."""
    from payments.settlement import settle_due_earnings

    count = settle_due_earnings(now)
    click.echo(f"{count} part(s) became payable.")


@payments_cli.command("statements")
@click.argument("run_id", type=int)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def statements_command(run_id: int, directory: Path) -> None:
    """Write every statement of a payout run (PDF and XLSX) into DIRECTORY, drawn across the
    machine's cores."""
    from payments.statements import run_statements

    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for line, pdf, xlsx in run_statements(run_id):
        (directory / f"sao-ke-{line.code}.pdf").write_bytes(pdf)
        (directory / f"sao-ke-{line.code}.xlsx").write_bytes(xlsx)
        count += 1
    if not count:
        click.echo(f"Payout run {run_id} not found, or it has no lines.", err=True)
        raise SystemExit(1)
    click.echo(f"{count} statement(s) written to {directory} as PDF and XLSX.")


def register(app: Flask) -> None:
    """Attach the payment pages, the webhooks (CSRF-exempt), the order target, helpers, commands."""
    from market import registry
    from market.capabilities import BANK_TRANSFERS, CARD_PAYMENTS
    from market.extensions import csrf
    from payments import (  # noqa: F401  (jobs: handlers and schedule)
        cod_views,
        jobs,
        labels,
        manager,
        payout_views,
        producer_views,
        unreadable_notifications,
        views,
        webhooks,
    )
    from payments.bank_notifications import bank_transfers_enabled, check_collection_account
    from payments.carrier_cod import shipment_delivered, unremitted_parts
    from payments.codes import check_prefix
    from payments.disputes import disputed_parts
    from payments.order_target import KIND, OrderTarget, order_parts_cancelled
    from payments.payouts import part_line
    from payments.refund_requests import requested_parts
    from payments.services import cash_taken_at_handover
    from payments.settlement import refunds_in_flight
    from payments.stripe_gateway import card_payments_enabled

    check_prefix(app.config["PAYMENT_CODE_PREFIX"])
    check_collection_account(app.config)
    registry.PAYMENT_TARGETS.add(app, KIND, registry.PaymentTargetEntry(OrderTarget()))
    registry.PARTS_CANCELLED.add(app, order_parts_cancelled)
    registry.CASH_HANDED_OVER.add(app, cash_taken_at_handover)
    registry.SHIPMENT_DELIVERED.add(app, shipment_delivered)
    for hold in (refunds_in_flight, disputed_parts, requested_parts, unremitted_parts):
        registry.SETTLEMENT_HOLDS.add(app, hold)
    registry.CAPABILITIES.add(app, CARD_PAYMENTS, card_payments_enabled)
    registry.CAPABILITIES.add(app, BANK_TRANSFERS, bank_transfers_enabled)
    app.register_blueprint(views.bp)
    app.register_blueprint(manager.bp)
    app.register_blueprint(cod_views.bp)
    app.register_blueprint(payout_views.bp)
    app.register_blueprint(producer_views.bp)
    app.register_blueprint(webhooks.bp)
    csrf.exempt(webhooks.bp)
    app.jinja_env.globals.update(
        payment_view=views.payment_view,
        card_payments_enabled=card_payments_enabled,
        refund_request_status=labels.request_status_label,
        cod_outcome=labels.remittance_label,
        part_earning=part_line,
    )
    app.jinja_env.filters.update(
        payment_method=labels.method_label,
        payment_outcome=labels.outcome_label,
        notification_reason=labels.reason_label,
        raw_excerpt=unreadable_notifications.excerpt,
        rate_percent=payout_views.rate_percent,
    )
    app.cli.add_command(payments_cli)
