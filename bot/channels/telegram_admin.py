"""`kongtun telegram ...`: point Telegram at the webhook, publish the command menu.

Each command is one short process with one coroutine, so `asyncio.run` with a bot opened and
closed inside it (`async with bot`) is right here; the long-lived loop is for the web process.
Both commands are idempotent: running them again sets the same values.

`kongtun telegram commands` also gives each role-holder's private chat its own list, the same
commands and `/committee` (scope BotCommandScopeChat), and deletes that list from chats that no
longer hold a role; `sync_chats` does it for one member's chat (`kongtun roles grant/revoke`).
"""

from __future__ import annotations

import asyncio

import click
from telegram import Bot, BotCommand, BotCommandScopeChat, WebhookInfo
from telegram.error import TelegramError

from bot.channels import committee_menus
from bot.channels.telegram import ALLOWED_UPDATES
from bot.channels.telegram_classify import MENU_COMMANDS
from bot.channels.telegram_runtime import make_bot
from bot.config import Config
from locales import translate

# The command menu's languages: the default list (English) for everyone, a Thai one for Thai apps.
COMMAND_LANGUAGES: tuple[tuple[str | None, str], ...] = ((None, "en"), ("th", "th"))
COMMITTEE_COMMAND = "committee"  # typed, it is read as "เมนูกรรมการ" (handlers/intents.py)


@click.group("telegram", help="Telegram channel set-up.")
def telegram_cli() -> None:
    pass


def _config(need_secret: bool = False) -> Config:
    config = Config.from_env()
    if not config.telegram_bot_token:
        raise click.ClickException("TELEGRAM_BOT_TOKEN is not set")
    if need_secret and not config.telegram_webhook_secret:
        raise click.ClickException("TELEGRAM_WEBHOOK_SECRET is not set")
    return config


def _bot(config: Config) -> Bot:
    assert config.telegram_bot_token
    return make_bot(config.telegram_bot_token, config.telegram_api_base_url)


def _run(coro):
    try:
        return asyncio.run(coro)
    except TelegramError as exc:
        raise click.ClickException(f"Telegram: {exc.message}") from exc


@telegram_cli.command("set-webhook", help="Send updates to URL (https://…/webhooks/telegram).")
@click.argument("url")
def set_webhook(url: str) -> None:
    if not url.startswith("https://"):
        raise click.ClickException("Telegram delivers webhooks to https:// URLs only")
    if not url.rstrip("/").endswith("/webhooks/telegram"):
        click.echo("Note: the bot serves its webhook at /webhooks/telegram.", err=True)
    config = _config(need_secret=True)
    info = _run(_set_webhook(config, url))
    click.echo(f"Webhook: {info.url}")
    click.echo(f"Updates: {', '.join(info.allowed_updates or ALLOWED_UPDATES)}")
    click.echo(f"Pending updates: {info.pending_update_count}")
    if info.last_error_message:
        click.echo(f"Last delivery error: {info.last_error_message}")


async def _set_webhook(config: Config, url: str) -> WebhookInfo:
    async with _bot(config) as bot:
        await bot.set_webhook(
            url,
            secret_token=config.telegram_webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
        return await bot.get_webhook_info()


def command_menu(locale: str) -> list[BotCommand]:
    return [BotCommand(name, translate(locale, f"telegram.cmd_{name}")) for name in MENU_COMMANDS]


def committee_menu(locale: str) -> list[BotCommand]:
    return [*command_menu(locale), BotCommand(COMMITTEE_COMMAND, translate(locale, "telegram.cmd_committee"))]


@telegram_cli.command("commands", help="Publish the command menu (English default, Thai for th), and "
                                       "/committee in role-holders' chats.")
def commands() -> None:
    config = _config()
    todo = committee_menus.read_plan(config, "telegram")
    for language, outcome in _run(_set_commands(config)):
        click.echo(f"{language or 'default'}: {outcome}")
    done, failed = _run(_sync(config, todo, keep_going=True))
    committee_menus.record_done(config, [c for c in todo.give if c.id in done],
                                [c for c in todo.take if c.id in done])
    given = sum(c.id in done for c in todo.give)
    click.echo(f"committee: set in {given} role-holder chat(s), deleted from {len(done) - given} "
               f"former one(s)")
    if failed:
        raise click.ClickException(f"{len(failed)} chat(s) could not be updated ({failed[0]}); "
                                   "run `kongtun telegram commands` again later")


def sync_chats(config: Config, todo: committee_menus.Plan) -> None:
    """One member's chats, at once (`kongtun roles grant/revoke`)."""
    try:
        _, failed = asyncio.run(_sync(config, todo, keep_going=False))
    except TelegramError as exc:
        raise committee_menus.SyncFailed(f"Telegram: {exc.message}") from exc
    if failed:
        raise committee_menus.SyncFailed(failed[0])


async def _sync(config: Config, todo: committee_menus.Plan, keep_going: bool) -> tuple[set[int], list[str]]:
    """Set the committee list in `todo.give` chats, delete it from `todo.take` ones: the chat ids
    done, and the errors (Telegram's message, no ids) of those that failed."""
    done: set[int] = set()
    failed: list[str] = []
    async with _bot(config) as bot:
        for chat, give in [(c, True) for c in todo.give] + [(c, False) for c in todo.take]:
            try:
                scope = BotCommandScopeChat(int(chat.external_user_id))
                for language, locale in COMMAND_LANGUAGES:
                    if give:
                        await bot.set_my_commands(committee_menu(locale), scope=scope, language_code=language)
                    else:
                        await bot.delete_my_commands(scope=scope, language_code=language)
            except ValueError:  # not a Telegram chat id: nothing Telegram could be asked
                failed.append("a chat id that is not a number")
                continue
            except TelegramError as exc:
                if not keep_going:
                    raise
                failed.append(f"Telegram: {exc.message}")
                continue
            done.add(chat.id)
    return done, failed


async def _set_commands(config: Config) -> list[tuple[str | None, str]]:
    results = []
    async with _bot(config) as bot:
        for language, locale in COMMAND_LANGUAGES:
            wanted = command_menu(locale)
            current = await bot.get_my_commands(language_code=language)
            if _pairs(current) == _pairs(wanted):
                results.append((language, "unchanged"))
                continue
            await bot.set_my_commands(wanted, language_code=language)
            results.append((language, f"set {len(wanted)} commands"))
    return results


def _pairs(commands: tuple[BotCommand, ...] | list[BotCommand]) -> list[tuple[str, str]]:
    return [(c.command, c.description) for c in commands]
