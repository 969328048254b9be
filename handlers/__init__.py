"""Conversation handlers, one module per feature. The router collects what each claims."""

from handlers import (
    account,
    benefits,
    committee,
    fund,
    history,
    meetings,
    menu,
    notifications,
    pay_now,
    paying,
    register,
    settings,
)

MODULES = [menu, *register.MODULES, account, pay_now, history, paying, benefits, fund, meetings, settings,
           notifications, *committee.MODULES]
