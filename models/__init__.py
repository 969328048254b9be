"""The data model. Importing this package registers every table on `Base.metadata`."""

from models.announcement import Announcement, AnnouncementState, Audience
from models.audit import AuditLog, audit
from models.base import Base, make_engine, make_sessionmaker, own_sessions, utcnow
from models.chat import ChatAccount, DialogState, OutboxMessage, ProcessedEvent
from models.claim import Claim, ClaimStatus
from models.confirmation import ConfirmedAction
from models.delivery import ChannelHold, JobRun, SendPace
from models.fund import BenefitRule, BenefitTier, Fund
from models.ledger import ExpenseKind, FundExpense, FundIncome, IncomeSource, Payment
from models.link import LinkFailure, LinkLock
from models.meeting import Meeting
from models.member import Beneficiary, CommitteeRole, Member, MemberStatus
from models.simulator import SimulatorMessage

__all__ = [
    "Announcement",
    "AnnouncementState",
    "Audience",
    "ChannelHold",
    "JobRun",
    "SendPace",
    "AuditLog",
    "Base",
    "Beneficiary",
    "BenefitRule",
    "BenefitTier",
    "ChatAccount",
    "Claim",
    "ClaimStatus",
    "ConfirmedAction",
    "CommitteeRole",
    "DialogState",
    "ExpenseKind",
    "Fund",
    "FundExpense",
    "FundIncome",
    "IncomeSource",
    "LinkFailure",
    "LinkLock",
    "Meeting",
    "Member",
    "MemberStatus",
    "OutboxMessage",
    "Payment",
    "ProcessedEvent",
    "SimulatorMessage",
    "audit",
    "make_engine",
    "make_sessionmaker",
    "own_sessions",
    "utcnow",
]
