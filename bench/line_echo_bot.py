"""The baseline of the LINE bench: an echo bot written the way line-bot-sdk's own Flask example
(`examples/flask-echo`, v3 API) is: verify and parse with `WebhookHandler`, then reply the text back
through a new `ApiClient` per event.

Serve with gunicorn: `gunicorn -w 2 bench.line_echo_bot:app`, with LINE_CHANNEL_SECRET,
LINE_CHANNEL_ACCESS_TOKEN and LINE_API_BASE_URL in the environment.
"""

from __future__ import annotations

import os
import sys

from flask import Flask, abort, request
from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, TextMessageContent

app = Flask(__name__)

channel_secret = os.getenv("LINE_CHANNEL_SECRET", None)
channel_access_token = os.getenv("LINE_CHANNEL_ACCESS_TOKEN", None)
if channel_secret is None or channel_access_token is None:
    print("Specify LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN as environment variables.")
    sys.exit(1)

handler = WebhookHandler(channel_secret)
configuration = Configuration(host=os.getenv("LINE_API_BASE_URL", "https://api.line.me"),
                              access_token=channel_access_token)


@app.route("/callback", methods=["POST"])
def callback():
    # get X-Line-Signature header value
    signature = request.headers["X-Line-Signature"]

    # get request body as text
    body = request.get_data(as_text=True)
    app.logger.info("Request body: " + body)

    # handle webhook body
    try:
        handler.handle(body, signature)
    except InvalidSignatureError:
        abort(400)

    return "OK"


@handler.add(MessageEvent, message=TextMessageContent)
def message_text(event):
    with ApiClient(configuration) as api_client:
        line_bot_api = MessagingApi(api_client)
        line_bot_api.reply_message_with_http_info(
            ReplyMessageRequest(
                reply_token=event.reply_token,
                messages=[TextMessage(text=event.message.text)],
            )
        )
