"""The one registry of hooks between packages: every hook is filled at app creation, and the
three kinds of hook keep their rules."""

import pytest
from flask import Flask

from market import registry


def test_every_hook_is_filled_by_some_package_when_the_app_is_built(app: Flask) -> None:
    with app.app_context():
        empty = [hook.name for hook in registry.HOOKS if not app.extensions.get(hook.key)]
    assert not empty, f"hooks nobody fills: {empty}"


def test_the_features_register_what_the_lower_packages_read(app: Flask) -> None:
    with app.app_context():
        assert set(registry.PAYMENT_TARGETS.all()) == {"order", "stall"}
        assert registry.PAYMENT_TARGETS.all()["stall"].own_account
        assert not registry.PAYMENT_TARGETS.all()["order"].own_account
        assert {"card_payments", "bank_transfers"} <= set(registry.CAPABILITIES.all())
        assert "fulfilment.parts" in dict(registry.WORKSPACE_MENU.all())
        assert {"stall.create", "product.create"} <= set(registry.LOG_ACTIONS.all())


@pytest.mark.own_app
def test_many_keeps_each_value_once_in_order_and_named_refuses_a_name_twice(app: Flask) -> None:
    def first(_lot_id: int) -> list:
        return []

    def second(_lot_id: int) -> list:
        return []

    with app.app_context():
        before = registry.LOT_BUYERS.all()
        for source in (first, second, first):
            registry.LOT_BUYERS.add(app, source)
        assert registry.LOT_BUYERS.all() == [*before, first, second]
        with pytest.raises(ValueError, match="named twice"):
            registry.LOG_ACTIONS.add(app, "stall.create", "again")
        with pytest.raises(ValueError, match="1 to 20"):
            registry.PAYMENT_TARGETS.add(app, "x" * 21, registry.PaymentTargetEntry(object()))
