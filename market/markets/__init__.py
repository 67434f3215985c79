"""Chợ 4.0 markets: stalls with VietQR posters, in-person sales confirmed by bank notifications,
the manager console (approvals, reports and exports) and the stalls' public pages.

It plugs into the lower packages through their registration points: stall sales are payments'
``stall`` target (paid into the stalls' own accounts), the stalls are orders' pickup stalls,
every change of an order part updates the sales rollups the reports read,
managers' decisions are named in producers' change logs, and the demo adds the province's
chợ 4.0 markets through the demo loader's extra steps.
"""

from flask import Flask

from market.markets import models, rollups  # noqa: F401  (registers the tables)


def register(app: Flask) -> None:
    """Attach the blueprints, and fill the registration points of payments, orders, the
    workspace's change log."""
    from market import registry
    from market.markets import access, demo, stalls
    from market.markets.cli import markets_cli
    from market.markets.labels import LOG_ACTIONS, LOG_FIELDS
    from market.markets.pickup import MarketStalls
    from market.markets.sales import TARGET_KIND
    from market.markets.target import StallSaleTarget
    from market.markets.views import (  # noqa: F401  (helper_teams: routes on console.bp)
        approvals,
        console,
        helper_teams,
        news,
        places,
        public,
        reports,
        seller,
    )

    for blueprint in (
        console.bp,
        approvals.bp,
        news.bp,
        places.bp,
        reports.bp,
        seller.bp,
        public.bp,
    ):
        app.register_blueprint(blueprint)
    registry.PAYMENT_TARGETS.add(
        app, TARGET_KIND, registry.PaymentTargetEntry(StallSaleTarget(), own_account=True)
    )
    registry.PICKUP_STALLS.set(app, MarketStalls())
    registry.PART_CHANGED.add(app, rollups.part_changed)
    app.cli.add_command(markets_cli)
    registry.DEMO_STEPS.add(app, demo.STEP)
    registry.SITEMAP_SOURCES.add(app, stalls.sitemap_entries)
    registry.LOG_ACTIONS.update(app, LOG_ACTIONS)
    registry.LOG_FIELDS.update(app, LOG_FIELDS)
    app.jinja_env.globals.update(sells_at_a_stall=access.sells_somewhere)
