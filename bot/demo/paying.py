"""How a demo fund is paid and whom its members call: realistic shapes, clearly fake numbers (an
account and a PromptPay ID of zeros ending in the fund's number, phones 080-000-0… and 076-000-…),
so nobody could send money or a call to a real person from the demo. The treasurer named is the one
`insert_roles` elected."""

from __future__ import annotations

from sqlalchemy import select

from bot.demo.context import FundContext
from domain.thai import national_id_check_digit
from models import CommitteeRole, Member


def fake_promptpay(n: int) -> str:
    """A 13-digit tax number of zeros and `n`, with the check digit a real one has."""
    first12 = f"0{n % 10**11:011d}"
    return first12 + str(national_id_check_digit(first12))


def set_paying(ctx: FundContext, ordinal: str) -> None:
    fund, n = ctx.fund, ctx.fund.id % 1000
    fund.pay_at_meeting_th = f"ทุกวันที่ {ctx.meeting_day} ของเดือน ที่ห้องประชุมสำนักงาน{fund.name_th}"
    fund.pay_at_meeting_en = f"the {ordinal} of each month, meeting room of the {fund.name_en} office"
    fund.bank_name = "ธ.ก.ส."
    fund.bank_account_no = f"000000000{n:03d}"
    fund.bank_account_name = f"กองทุนสวัสดิการชุมชน{fund.name_th}"
    fund.promptpay_id = fake_promptpay(n)
    treasurer = ctx.session.execute(
        select(Member.first_name, Member.last_name).join(CommitteeRole, CommitteeRole.member_id == Member.id)
        .where(CommitteeRole.fund_id == fund.id, CommitteeRole.role == "treasurer")
        .order_by(Member.id).limit(1)).first()
    if treasurer is not None:
        fund.treasurer_name = f"{treasurer[0]} {treasurer[1]}"
        fund.treasurer_phone = f"+668000{n:05d}"
    fund.contact_name = f"สำนักงาน{fund.name_th}"
    fund.contact_phone = f"+66760{n:05d}"
    fund.payment_info_th = f"ชำระล่วงหน้าได้ไม่เกิน {fund.may_pay_months_ahead} เดือน รับใบเสร็จได้ทุกครั้ง"
    fund.payment_info_en = (f"You may pay up to {fund.may_pay_months_ahead} months ahead; "
                            "ask for a receipt each time")
