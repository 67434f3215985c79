"""One domain-error base: every feature's refusals carry a message and, optionally, a field."""

import pytest

from catalog.trace.services import TraceError
from catalog.workspace.errors import WorkspaceError
from market.accounts.services import AccountError
from market.domain_errors import DomainError
from market.markets.errors import MarketError
from orders.errors import OrderError
from payments.errors import PaymentError


@pytest.mark.parametrize(
    "error_class",
    [AccountError, WorkspaceError, TraceError, MarketError, OrderError, PaymentError],
)
def test_every_features_errors_derive_from_the_one_base(error_class: type) -> None:
    assert issubclass(error_class, DomainError)
    error = error_class("Chọn xã trong danh sách.")
    assert error.message == str(error) == "Chọn xã trong danh sách."


def test_a_domain_error_names_the_field_it_concerns() -> None:
    error = WorkspaceError("Enter the name shoppers will see.", field="name")
    assert (error.field, error.message) == ("name", "Enter the name shoppers will see.")
    assert DomainError("x").field is None
