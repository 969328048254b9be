"""Conversation handlers, one module per feature. The router collects what each claims."""

from handlers import (
    account,
    benefit_one,
    benefits,
    clarify,
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
    smalltalk,
)

MODULES = [menu, *register.MODULES, account, pay_now, history, paying, benefits, benefit_one, fund, meetings,
           settings, notifications, *committee.MODULES, smalltalk, clarify]
