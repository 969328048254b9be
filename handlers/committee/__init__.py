"""Committee tools in the chat, each behind `guard.authorize`: announce, meetings, payments,
applications, reports. The hub is the committee's menu."""

from handlers.committee import applications, applications_reject, hub, payments, payments_reverse

MODULES = [hub, applications, applications_reject, payments, payments_reverse]
