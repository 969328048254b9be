"""Conversation handlers, one module per feature. The router collects what each claims."""

from handlers import menu

MODULES = [menu]
