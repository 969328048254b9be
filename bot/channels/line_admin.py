"""`kongtun line ...`: set up the LINE channel. Both commands are safe to run again.

- `kongtun line set-webhook URL`: sets the channel's webhook URL, then asks LINE to test it (LINE
  posts an empty, signed event list to it, which the bot answers 200) and prints the result.
- `kongtun line richmenu`: draws the Thai rich menu, creates it (or reuses the one with the same
  name: the name carries a digest of the menu and its image), uploads the image, makes it the
  default for every user, and deletes Kongtun's older or duplicate menus.
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
    RichMenuRequest,
    SetWebhookEndpointRequest,
    TestWebhookEndpointRequest,
)

from bot.channels.line_client import ADMIN_TIMEOUT, data_api_url, make_configuration
from bot.channels.line_richmenu import NAME_PREFIX, FontMissing, draw, find_font, menu_request
from bot.config import Config


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


@line_cli.command("richmenu", help="Create the Thai rich menu with its image and make it the default.")
@click.option("--font", "font", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A TrueType/OpenType font with Thai (default: Debian's fonts-thai-tlwg, `make fonts`).")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the image to this PNG file.")
def richmenu(font: Path | None, save: Path | None) -> None:
    config = _config()
    try:
        font_path = find_font(font)
    except FontMissing as exc:
        raise click.ClickException(str(exc)) from exc
    image = draw(font_path)
    if save:
        save.write_bytes(image)
        click.echo(f"Image written to {save}")
    body = menu_request(image)
    name = body["name"]
    with _client(config) as client, _client(config, data_api_url(config.line_api_base_url)) as data:
        api, blob = MessagingApi(client), MessagingApiBlob(data)
        try:
            ours = [m for m in api.get_rich_menu_list(_request_timeout=ADMIN_TIMEOUT).richmenus
                    if m.name.startswith(NAME_PREFIX)]
            same = [m for m in ours if m.name == name]
            menu_id = None
            for menu in same:
                if _has_image(blob, menu.rich_menu_id):
                    menu_id = menu.rich_menu_id
                    click.echo(f"Rich menu {name} exists: {menu_id}")
                    break
            if menu_id is None:
                menu_id = api.create_rich_menu(RichMenuRequest.from_dict(body),
                                               _request_timeout=ADMIN_TIMEOUT).rich_menu_id
                blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": "image/png"},
                                         _request_timeout=ADMIN_TIMEOUT)
                click.echo(f"Rich menu {name} created: {menu_id} (image {len(image) // 1024} KB, "
                           f"font {font_path.name})")
            api.set_default_rich_menu(menu_id, _request_timeout=ADMIN_TIMEOUT)
            click.echo(f"Default rich menu: {menu_id}")
            for menu in ours:
                if menu.rich_menu_id != menu_id:
                    api.delete_rich_menu(menu.rich_menu_id, _request_timeout=ADMIN_TIMEOUT)
                    click.echo(f"Deleted the old rich menu {menu.name}: {menu.rich_menu_id}")
        except ApiException as exc:
            raise _fail("set up the rich menu", exc) from exc


def _has_image(blob: MessagingApiBlob, menu_id: str) -> bool:
    try:
        blob.get_rich_menu_image_with_http_info(menu_id, _request_timeout=ADMIN_TIMEOUT)
    except ApiException as exc:
        if exc.status == 404:
            return False
        raise
    return True
