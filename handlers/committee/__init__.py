"""Committee tools in the chat, each behind `guard.authorize`: announce, meetings, payments,
applications, reports. The hub is the committee's menu."""

from handlers.committee import (
    announce,
    announce_list,
    applications,
    applications_reject,
    hub,
    payments,
    payments_reverse,
)
from handlers.committee import meetings as cm_meetings
from handlers.committee import meetings_change as cm_meetings_change
from handlers.committee import paying as cm_paying
from handlers.committee import reports as cm_reports

MODULES = [hub, applications, applications_reject, announce, announce_list, cm_meetings, cm_meetings_change,
           payments, payments_reverse, cm_reports, cm_paying]
