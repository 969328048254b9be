"""How to pay and whom to call: the fund's payment channels and contact, in words."""

from __future__ import annotations

from handlers.base import Context
from models import Fund


def how_to_pay_text(ctx: Context, fund: Fund) -> str:
    """The fund's ways to pay and whom to call, for the footer of an arrears answer."""
    how = fund.payment_info_en if ctx.locale == "en" else fund.payment_info_th
    return ctx.t("account.how_to_pay", how=how or ctx.t("account.how_to_pay_default"))
