"""The neutral vocabulary every layer shares: what came in from a chat, what goes out, how a send went.

It imports nothing of the project's own, so channels (`bot.channels`), conversations (`handlers`)
and the scheduler can all speak it without importing each other.
"""
