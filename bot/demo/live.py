"""The demo's live side (`kongtun demo`): something for the scheduler to deliver at once, and the
scheduler itself, in-process, delivering to the simulator inbox the page polls.

- The simulator chat `demo-somsri` (a preset of the page) is linked to สมศรี มีสุข of Pa Khlok, who
  is two months in arrears: the dues job writes her a lapse warning as soon as it runs.
- Pa Khlok gets an extra members' meeting three days ahead (when it has none that close), so she
  gets a meeting reminder too (from 09:00), and `ประชุมเมื่อไหร่` shows it.
- The simulator chat `demo-committee` (another preset) is linked to Pa Khlok's treasurer, who is on
  its committee too: the committee menu's tools work at once, and what they send to สมศรี (a receipt
  for her dues, an announcement, a meeting) arrives in `demo-somsri`'s inbox.
- Quiet hours are off unless KONGTUN_QUIET_HOURS is set: a newcomer trying the demo at 22:00
  should still see a reminder arrive, not wait until 08:00.
"""

from __future__ import annotations

import os
import time as time_module
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Config
from messaging.sender import Sender
from models import ChatAccount, CommitteeRole, Fund, Meeting, Member
from scheduler.clock import Clock, system_clock
from services import accounts, linking, meetings, roles

DEMO_CHAT = "demo-somsri"  # a preset user of the simulator page (bot/templates/simulator.html)
DEMO_FUND, DEMO_MEMBER_NO = "PAKHLOK", "00001"  # สมศรี มีสุข (docs/demo.md)
DEMO_COMMITTEE_CHAT = "demo-committee"  # another preset: Pa Khlok's treasurer, on its committee too
MEETING_DAYS_AHEAD = 3
MEETING_TITLE_TH = "ประชุมใหญ่วิสามัญสมาชิก กองทุนสวัสดิการชุมชนเทศบาลตำบลป่าคลอก"


def demo_config(env: Mapping[str, str] | None = None) -> Config:
    """The demo's configuration: the simulator on, and quiet hours off unless asked for."""
    env = dict(os.environ if env is None else env)
    overrides: dict[str, object] = {"simulator": True}
    if not env.get("KONGTUN_QUIET_HOURS", "").strip():
        overrides["quiet_hours"] = "off"
    return Config.from_env(env, **overrides)


def prepare(session: Session, *, now: datetime, tz: ZoneInfo) -> list[str]:
    """Link the demo chat and add the meeting soon, each only once; what was done, for the CLI."""
    done: list[str] = []
    somsri = session.scalar(select(Member).join(Fund, Member.fund_id == Fund.id).where(
        Fund.code == DEMO_FUND, Member.member_no == DEMO_MEMBER_NO))
    if somsri is None:
        return done  # not the demo's data (seed-demo --data of other funds): nothing to add
    if _link_demo_chat(session, somsri, now):
        done.append(f"linked the simulator chat {DEMO_CHAT} to {somsri.full_name} ({DEMO_FUND})")
    treasurer = _link_committee_chat(session, somsri.fund_id, now)
    if treasurer is not None:
        done.append(f"linked the simulator chat {DEMO_COMMITTEE_CHAT} to {DEMO_FUND}'s treasurer "
                    f"(member {treasurer}, on the committee too)")
    if _add_meeting_soon(session, somsri.fund_id, now=now, tz=tz):
        done.append(f"scheduled a {DEMO_FUND} members' meeting in {MEETING_DAYS_AHEAD} days "
                    "(its reminder goes from 09:00)")
    session.commit()
    return done


def _link_demo_chat(session: Session, member: Member, now: datetime) -> bool:
    taken = session.scalar(select(ChatAccount.id).where(
        ChatAccount.channel == "simulator", ChatAccount.member_id == member.id))
    if taken is not None:
        return False  # linked already (by an earlier start, or by someone who registered as her)
    account = accounts.get_or_create_account(session, "simulator", DEMO_CHAT)
    if account.member_id is not None or account.pending_member_id is not None:
        return False  # someone used this chat for another member: leave it theirs
    linking.link(session, account, member, consent_at=now, actor="demo", at=now, via="demo")
    return True


def _link_committee_chat(session: Session, fund_id: int, now: datetime) -> str | None:
    """The fund's treasurer on the `demo-committee` chat, given the committee role too; the member
    number when it was done now, None when it was done before (or there is no treasurer)."""
    account = accounts.get_or_create_account(session, "simulator", DEMO_COMMITTEE_CHAT)
    if account.member_id is not None or account.pending_member_id is not None:
        return None
    treasurer = session.scalar(select(Member).join(CommitteeRole, CommitteeRole.member_id == Member.id).where(
        CommitteeRole.fund_id == fund_id, CommitteeRole.role == "treasurer").order_by(Member.id).limit(1))
    if treasurer is None or treasurer.member_no is None:
        return None
    taken = session.scalar(select(ChatAccount.id).where(
        ChatAccount.channel == "simulator", ChatAccount.member_id == treasurer.id))
    if taken is not None:
        return None
    linking.link(session, account, treasurer, consent_at=now, actor="demo", at=now, via="demo")
    roles.grant(session, fund_code=treasurer.fund.code, member_no=treasurer.member_no, role="committee",
                actor="demo", at=now)
    return treasurer.member_no


def _add_meeting_soon(session: Session, fund_id: int, *, now: datetime, tz: ZoneInfo) -> bool:
    # Three days ahead: the "in 3 days" reminder is then due from 09:00 today (meeting reminders
    # go from 09:00 three days before), and says the truth.
    day = now.astimezone(tz).date() + timedelta(days=MEETING_DAYS_AHEAD)
    starts_at = datetime.combine(day, time(13, 30), tz)
    soon = session.scalar(select(Meeting.id).where(
        Meeting.fund_id == fund_id, Meeting.status == meetings.SCHEDULED, Meeting.starts_at > now,
        Meeting.starts_at <= starts_at))
    if soon is not None:
        return False
    meetings.schedule(
        session, fund_id=fund_id, title_th=MEETING_TITLE_TH,
        title_en="Extraordinary members' meeting, Pa Khlok community welfare fund",
        starts_at=starts_at, place_th="ห้องประชุมเทศบาลตำบลป่าคลอก",
        place_en="Meeting room, Pa Khlok municipality office",
        agenda_th="1) ชี้แจงยอดเงินสัจจะค้างชำระ 2) รับสมัครสมาชิกใหม่ 3) เรื่องอื่น ๆ",
        agenda_en="1) Dues in arrears 2) New members 3) Other business", actor="demo", at=now)
    return True


def start_line(config: Config) -> str:
    """What the demo says at start about its scheduler and quiet hours."""
    from scheduler.clock import QuietHours
    from scheduler.clock_process import DEMO_DISPATCH_SECONDS

    if QuietHours.parse(config.quiet_hours) is None:
        quiet = "quiet hours are off in the demo (set KONGTUN_QUIET_HOURS=21:00-08:00 to try them)"
    else:
        quiet = f"quiet hours {config.quiet_hours} (KONGTUN_QUIET_HOURS): nothing is pushed inside them"
    return (f"Scheduler: running in this process, the outbox delivered every {DEMO_DISPATCH_SECONDS:.0f} s; "
            f"{quiet}.")


def start_clock(Session: sessionmaker, senders: Mapping[str, Sender], config: Config, *,
                clock: Clock = system_clock,
                sleep: Callable[[float], None] = time_module.sleep) -> BaseScheduler:
    """Run every job once now, then start the jobs and the dispatcher (every 10 s, first at once)
    in a background scheduler of this process. Returns it started; shut it down on exit."""
    from scheduler.clock_process import DEMO_DISPATCH_SECONDS, build_scheduler, guarded
    from scheduler.dispatcher import DeliverySettings
    from scheduler.jobs import run_due

    settings = DeliverySettings.from_config(config)
    guarded("the demo's first jobs", lambda: run_due(Session, clock().astimezone(settings.tz), settings.tz))()
    # The jobs ran just now, so the dispatcher's first tick, at once, delivers what they decided.
    scheduler = build_scheduler(Session, senders, settings, background=True, jobs_at_start=False,
                                dispatch_seconds=DEMO_DISPATCH_SECONDS, clock=clock, sleep=sleep,
                                owner="demo")
    scheduler.start()
    return scheduler
