"""``flask demo load`` adds the province's chợ 4.0 markets, their stalls, a manager and sales."""

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from market.accounts.models import Role, User
from market.extensions import db
from market.markets.models import Market, MarketManager, Stall, StallProduct, StallSale
from market.markets.stalls import static_payload
from payments import vietqr

CHO_40 = {
    ("tp-tuyen-quang", "Chợ An Phú"),
    ("tp-tuyen-quang", "Chợ Tam Cờ"),
    ("tp-tuyen-quang", "Chợ Phan Thiết"),
    ("ham-yen", "Chợ Km 39"),
    ("ham-yen", "Chợ Thái Hòa"),
    ("ham-yen", "Chợ Đức Ninh"),
    ("ham-yen", "Chợ Bình Xa"),
    ("dong-van", "Chợ Đồng Văn"),  # former Hà Giang
}


def _load(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["demo", "load", "--no-photos", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Market, Stall, StallProduct, StallSale, MarketManager)
    }


def test_the_demo_holds_the_provinces_cashless_markets_with_stalls_and_sales(
    app: Flask, runner: FlaskCliRunner
) -> None:
    output = _load(runner)
    assert "chợ 4.0 markets: 8 (8 new)" in output
    with app.app_context():
        markets = {(m.area_slug, m.name) for m in db.session.scalars(sa.select(Market))}
        assert markets == CHO_40
        stalls = db.session.scalars(sa.select(Stall)).all()
        assert len(stalls) == 16 and all(stall.products for stall in stalls)
        for stall in stalls:
            qr = vietqr.parse(static_payload(stall))
            assert (qr.bank_bin, qr.account) == (
                stall.producer.bank_bin,
                stall.producer.bank_account,
            )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StallSale)) > 100
        manager = db.session.scalar(
            sa.select(User).where(User.email == "manager.anphu@choque.example")
        )
        assert manager.role == Role.MANAGER
        runs = db.session.scalars(
            sa.select(Market.name).join(MarketManager).where(MarketManager.user_id == manager.id)
        ).all()
        assert runs == ["Chợ An Phú"]


def test_loading_the_demo_twice_adds_nothing_and_reset_starts_it_over(
    app: Flask, runner: FlaskCliRunner
) -> None:
    _load(runner)
    with app.app_context():
        first = _counts()
        codes = set(db.session.scalars(sa.select(Stall.code)))
    assert "(0 new)" in _load(runner)
    with app.app_context():
        assert _counts() == first
    _load(runner, "--reset")
    with app.app_context():
        assert _counts() == first
        assert set(db.session.scalars(sa.select(Stall.code))) == codes  # posters stay valid
