"""Conversation handlers, one module per feature. The router collects what each claims."""

from handlers import (
    account,
    benefits,
    clarify,
    committee,
    fund,
    meetings,
    menu,
    notifications,
    register,
    settings,
    smalltalk,
)

MODULES = [menu, *register.MODULES, account, benefits, fund, meetings, settings, notifications,
           *committee.MODULES, smalltalk, clarify]
