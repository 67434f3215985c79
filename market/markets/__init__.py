"""Chợ 4.0 markets: stalls with VietQR posters, in-person sales confirmed by bank notifications,
the manager console (approvals, reports and exports) and the stalls' public pages.

It plugs into the lower packages through their registration points: stall sales are payments'
``stall`` target (paid into the stalls' own accounts), the stalls are orders' pickup stalls,
managers' decisions are named in producers' change logs, a manager assigned to markets is not
provincial (``market.permissions``), and the demo adds the province's chợ 4.0 markets through
the demo loader's extra steps.
"""

from flask import Flask

from market.markets import models  # noqa: F401  (registers the tables)


def register(app: Flask) -> None:
    """Attach the blueprints, and fill the registration points of payments, orders, the
    workspace's change log and the permissions (a manager assigned to markets runs only
    those)."""
    from catalog.workspace.labels import add_log_actions
    from market.demo import register_step
    from market.markets import access, demo
    from market.markets.labels import LOG_ACTIONS, LOG_FIELDS
    from market.markets.pickup import MarketStalls
    from market.markets.sales import TARGET_KIND
    from market.markets.target import StallSaleTarget
    from market.markets.views import approvals, console, public, reports, seller
    from market.permissions import set_provincial_check
    from orders.pickup import register_stall_directory
    from payments.targets import register_target

    for blueprint in (console.bp, approvals.bp, reports.bp, seller.bp, public.bp):
        app.register_blueprint(blueprint)
    register_target(app, TARGET_KIND, StallSaleTarget(), own_account=True)
    register_stall_directory(app, MarketStalls())
    register_step(app, demo.STEP)
    add_log_actions(app, LOG_ACTIONS, LOG_FIELDS)
    set_provincial_check(app, access.assigned_to_no_market)
    app.jinja_env.globals.update(sells_at_a_stall=access.sells_somewhere)
