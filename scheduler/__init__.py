"""The scheduler: the clock (APScheduler), jobs (what is due -> outbox rows) and the dispatcher
(outbox rows -> a channel's `messaging.sender.Sender`). Imports services, models and domain, never
a platform SDK: the composition root (`bot.cli`) hands it the senders."""
