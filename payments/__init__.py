"""Payments: VietQR bank transfers confirmed by bank webhooks, Stripe cards, cash; one ledger.

Other packages plug in through ``payments.targets`` (what a payment code pays for) and call
``payments.services``; see docs in ``payments/targets.py``.
"""

import click
from flask import Flask
from flask.cli import AppGroup

from payments import models  # noqa: F401  (registers the tables)

payments_cli = AppGroup("payments", help="Payment ledger maintenance.")


@payments_cli.command("reprocess")
def reprocess_command() -> None:
    """Process bank notifications and Stripe events stored but never processed."""
    from payments import bank_notifications, stripe_events

    notifications = bank_notifications.pending_ids()
    for notification_id in notifications:
        bank_notifications.process(notification_id)
    events = stripe_events.pending_ids()
    for event_id in events:
        stripe_events.process(event_id)
    click.echo(f"Processed {len(notifications)} notification(s) and {len(events)} event(s).")


def register(app: Flask) -> None:
    """Attach the payment pages, the webhooks (CSRF-exempt), the order target, helpers, commands."""
    from market.capabilities import BANK_TRANSFERS, CARD_PAYMENTS, offer
    from market.extensions import csrf
    from orders.observers import on_parts_cancelled
    from payments import labels, manager, producer_views, views, webhooks
    from payments.bank_notifications import bank_transfers_enabled, check_collection_account
    from payments.codes import check_prefix
    from payments.order_target import KIND, OrderTarget, order_parts_cancelled
    from payments.stripe_gateway import card_payments_enabled
    from payments.targets import register_target

    check_prefix(app.config["PAYMENT_CODE_PREFIX"])
    check_collection_account(app.config)
    register_target(app, KIND, OrderTarget())
    on_parts_cancelled(app, order_parts_cancelled)
    offer(app, CARD_PAYMENTS, card_payments_enabled)
    offer(app, BANK_TRANSFERS, bank_transfers_enabled)
    app.register_blueprint(views.bp)
    app.register_blueprint(manager.bp)
    app.register_blueprint(producer_views.bp)
    app.register_blueprint(webhooks.bp)
    csrf.exempt(webhooks.bp)
    app.jinja_env.globals.update(
        payment_view=views.payment_view, card_payments_enabled=card_payments_enabled
    )
    app.jinja_env.filters.update(
        payment_method=labels.method_label,
        payment_outcome=labels.outcome_label,
        notification_reason=labels.reason_label,
    )
    app.cli.add_command(payments_cli)
