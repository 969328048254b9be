"""Conversation handlers, one module per feature. The router collects what each claims."""

from handlers import (
           account,
           benefits,
           committee,
           fund,
           meetings,
           menu,
           notifications,
           paying,
           register,
           settings,
)

MODULES = [menu, *register.MODULES, account, paying, benefits, fund, meetings, settings, notifications,
           *committee.MODULES]
