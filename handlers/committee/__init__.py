"""Committee tools in the chat, each behind `guard.authorize`: announce, meetings, payments,
applications, reports. The hub is the committee's menu."""

from handlers.committee import hub
from handlers.committee import reports as cm_reports

MODULES = [hub, cm_reports]
