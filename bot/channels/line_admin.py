"""`kongtun line ...`: set up the LINE channel. Both commands are safe to run again.

- `kongtun line set-webhook URL`: sets the channel's webhook URL, then asks LINE to test it (LINE
  posts an empty, signed event list to it, which the bot answers 200) and prints the result.
- `kongtun line richmenu`: draws the Thai rich menu and its committee variant (a seventh tile
  opens the committee menu), creates each (or reuses the one with the same name: the name carries
  a digest of the menu and its image), uploads the images, makes the first the default for every
  user, links the committee variant to the LINE chats of role-holders (in bulk, 500 a call) and
  unlinks it from chats that no longer hold a role, then deletes Kongtun's older or duplicate menus.

`sync_chats` is the same link/unlink for one member's chat, called by `kongtun roles grant/revoke`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    MessagingApi,
    MessagingApiBlob,
    RichMenuBulkLinkRequest,
    RichMenuBulkUnlinkRequest,
    RichMenuRequest,
    SetWebhookEndpointRequest,
    TestWebhookEndpointRequest,
)

from bot.channels import committee_menus
from bot.channels.line_client import ADMIN_TIMEOUT, data_api_url, make_configuration
from bot.channels.line_richmenu import (
    COMMITTEE_PREFIX,
    COMMITTEE_TILES,
    NAME_PREFIX,
    TILES,
    FontMissing,
    draw,
    find_font,
    menu_request,
)
from bot.config import Config

BULK = 500  # user ids per bulk link/unlink call, LINE's maximum


def _config() -> Config:
    config = Config.from_env()
    if not config.line_channel_access_token:
        raise click.ClickException("LINE_CHANNEL_ACCESS_TOKEN is not set")
    return config


@contextmanager
def _client(config: Config, host: str | None = None) -> Iterator[ApiClient]:
    client = ApiClient(make_configuration(config, host))
    try:
        yield client
    finally:
        client.close()
        client.rest_client.pool_manager.clear()


def _fail(action: str, exc: ApiException) -> click.ClickException:
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else (exc.body or "")
    return click.ClickException(f"LINE refused to {action}: {exc.status} {body[:300]}")


@click.group("line", help="LINE channel set-up.")
def line_cli() -> None:
    pass


@line_cli.command("set-webhook", help="Set the LINE webhook URL (…/webhooks/line) and test it.")
@click.argument("url")
def set_webhook(url: str) -> None:
    config = _config()
    if not url.startswith("https://"):
        click.echo("warning: LINE only delivers to https:// URLs", err=True)
    with _client(config) as client:
        api = MessagingApi(client)
        try:
            current = api.get_webhook_endpoint(_request_timeout=ADMIN_TIMEOUT).endpoint
        except ApiException:
            current = None
        try:
            if current == url:
                click.echo(f"Webhook URL already {url}")
            else:
                api.set_webhook_endpoint(SetWebhookEndpointRequest(endpoint=url),
                                         _request_timeout=ADMIN_TIMEOUT)
                click.echo(f"Webhook URL set to {url}" + (f" (was {current})" if current else ""))
            result = api.test_webhook_endpoint(TestWebhookEndpointRequest(endpoint=url),
                                               _request_timeout=ADMIN_TIMEOUT)
        except ApiException as exc:
            raise _fail("set the webhook", exc) from exc
    verdict = "OK" if result.success else "FAILED"
    click.echo(f"Test call: {verdict} (HTTP {result.status_code}, {result.reason}: {result.detail})")
    if not result.success:
        sys.exit(1)


@line_cli.command("richmenu", help="Create the Thai rich menu and its committee variant, make the first "
                                   "the default and link the second to role-holders' chats.")
@click.option("--font", "font", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A TrueType/OpenType font with Thai (default: Debian's fonts-thai-tlwg, `make fonts`).")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the image to this PNG file (the committee one beside it, *-committee.png).")
def richmenu(font: Path | None, save: Path | None) -> None:
    config = _config()
    try:
        font_path = find_font(font)
    except FontMissing as exc:
        raise click.ClickException(str(exc)) from exc
    image, committee_image = draw(font_path, TILES), draw(font_path, COMMITTEE_TILES)
    if save:
        save.write_bytes(image)
        committee_save = save.with_name(f"{save.stem}-committee{save.suffix}")
        committee_save.write_bytes(committee_image)
        click.echo(f"Images written to {save} and {committee_save}")
    todo = committee_menus.read_plan(config, "line")
    with _client(config) as client, _client(config, data_api_url(config.line_api_base_url)) as data:
        api, blob = MessagingApi(client), MessagingApiBlob(data)
        try:
            ours = [m for m in api.get_rich_menu_list(_request_timeout=ADMIN_TIMEOUT).richmenus
                    if m.name.startswith((NAME_PREFIX, COMMITTEE_PREFIX))]
            menu_id = _ensure(api, blob, ours, menu_request(image), image, font_path.name)
            committee_id = _ensure(api, blob, ours, menu_request(committee_image, COMMITTEE_TILES,
                                                                 COMMITTEE_PREFIX),
                                   committee_image, font_path.name)
            api.set_default_rich_menu(menu_id, _request_timeout=ADMIN_TIMEOUT)
            click.echo(f"Default rich menu: {menu_id}")
            _link(api, committee_id, todo)
            committee_menus.record_done(config, todo.give, todo.take)
            click.echo(f"Committee rich menu: linked to {len(todo.give)} role-holder chat(s), "
                       f"unlinked from {len(todo.take)} former one(s)")
            for menu in ours:
                if menu.rich_menu_id not in (menu_id, committee_id):
                    api.delete_rich_menu(menu.rich_menu_id, _request_timeout=ADMIN_TIMEOUT)
                    click.echo(f"Deleted the old rich menu {menu.name}: {menu.rich_menu_id}")
        except ApiException as exc:
            raise _fail("set up the rich menu", exc) from exc


def _ensure(api: MessagingApi, blob: MessagingApiBlob, ours: list, body: dict, image: bytes,
            font_name: str) -> str:
    """The id of the menu named as `body` with its image, created and uploaded if there is none."""
    name = body["name"]
    for menu in ours:
        if menu.name == name and _has_image(blob, menu.rich_menu_id):
            click.echo(f"Rich menu {name} exists: {menu.rich_menu_id}")
            return menu.rich_menu_id
    request = RichMenuRequest.from_dict(body)
    menu_id = api.create_rich_menu(request, _request_timeout=ADMIN_TIMEOUT).rich_menu_id
    blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": "image/png"},
                             _request_timeout=ADMIN_TIMEOUT)
    click.echo(f"Rich menu {name} created: {menu_id} (image {len(image) // 1024} KB, font {font_name})")
    return menu_id


def _link(api: MessagingApi, committee_id: str, todo: committee_menus.Plan) -> None:
    """Link the committee menu to every role-holder's LINE chat, unlink it from former ones."""
    give = [c.external_user_id for c in todo.give]
    take = [c.external_user_id for c in todo.take]
    for i in range(0, len(give), BULK):
        api.link_rich_menu_id_to_users(RichMenuBulkLinkRequest(rich_menu_id=committee_id,
                                                               user_ids=give[i:i + BULK]),
                                       _request_timeout=ADMIN_TIMEOUT)
    for i in range(0, len(take), BULK):
        api.unlink_rich_menu_id_from_users(RichMenuBulkUnlinkRequest(user_ids=take[i:i + BULK]),
                                           _request_timeout=ADMIN_TIMEOUT)


def committee_menu_id(api: MessagingApi) -> str | None:
    menus = api.get_rich_menu_list(_request_timeout=ADMIN_TIMEOUT).richmenus
    return next((m.rich_menu_id for m in menus if m.name.startswith(COMMITTEE_PREFIX)), None)


def sync_chats(config: Config, todo: committee_menus.Plan) -> None:
    """One member's chats, at once (`kongtun roles grant/revoke`): one call per chat."""
    import urllib3

    try:
        with _client(config) as client:
            api = MessagingApi(client)
            if todo.give:
                committee_id = committee_menu_id(api)
                if committee_id is None:
                    raise committee_menus.SyncFailed("there is no committee rich menu yet")
                for chat in todo.give:
                    api.link_rich_menu_id_to_user(chat.external_user_id, committee_id,
                                                  _request_timeout=ADMIN_TIMEOUT)
            for chat in todo.take:
                api.unlink_rich_menu_id_from_user(chat.external_user_id, _request_timeout=ADMIN_TIMEOUT)
    except ApiException as exc:
        raise committee_menus.SyncFailed(f"LINE answered {exc.status}") from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise committee_menus.SyncFailed(f"LINE could not be reached: {type(exc).__name__}") from exc


def _has_image(blob: MessagingApiBlob, menu_id: str) -> bool:
    try:
        blob.get_rich_menu_image_with_http_info(menu_id, _request_timeout=ADMIN_TIMEOUT)
    except ApiException as exc:
        if exc.status == 404:
            return False
        raise
    return True
