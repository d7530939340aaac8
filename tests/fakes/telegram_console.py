"""Interactive console of the fake Telegram server, for manual trials of the real bot.

``python -m tests.fakes.telegram_server --port 8081 --token 123456:TEST`` starts the server and
prints the ``TELEGRAM_API_URL`` to give the bot; every line typed is sent as a user message,
``:help`` lists the other actions (press a button, send a file, switch to a group...), and the
bot's calls are printed as they arrive.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import threading
from pathlib import Path

from tests.fakes.telegram_limits import Limits
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.telegram_state import JSON, Call, FakeChat, FakeUser

__all__ = ["main"]

_CONSOLE_HELP = """type a line to send it as the current user; commands:
  :user ID [NAME]      switch user            :group ID [TITLE]   talk in a group (creates it)
  :private             back to private chat   :add               add the bot to the group
  :press MSG_ID DATA   press a button         :doc PATH          send a file
  :photo | :sticker | :voice | :location       :sent              list bot messages
  :quit"""


async def _console(server: FakeTelegramServer) -> None:
    user: FakeUser = server.user(1001, "Tester", "zh-hans", "tester")
    chat: FakeChat | None = None
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:  # a daemon thread, so Ctrl-C never waits for a pending readline
        for text in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, text)

    threading.Thread(target=read_stdin, daemon=True).start()
    while True:
        line = await lines.get()
        words = line.strip().split(maxsplit=2)
        if not words:
            continue
        try:
            command, args = words[0], words[1:]
            if command == ":quit":
                return
            if command == ":help":
                print(_CONSOLE_HELP)
            elif command == ":user":
                user = server.user(int(args[0]), args[1] if len(args) > 1 else "Tester")
            elif command == ":group":
                chat = server.chats.get(int(args[0])) or server.group(
                    int(args[0]), args[1] if len(args) > 1 else "Test group")
                server.set_member(chat.id, user.id, "creator")
            elif command == ":private":
                chat = None
            elif command == ":add":
                server.add_bot_to_group(chat or server.group(-100100, "Test group"), user)
            elif command == ":press":
                server.press(user, int(args[0]), args[1], chat)
            elif command == ":doc":
                path = Path(args[0])
                content = await asyncio.to_thread(path.read_bytes)
                server.send_document(user, path.name, content, chat=chat)
            elif command in (":photo", ":sticker", ":voice", ":location"):
                getattr(server, f"send_{command[1:]}")(user, chat=chat)
            elif command == ":sent":
                for message in server.sent(chat.id if chat else user.id):
                    print(_describe(message))
            elif command.startswith(":"):
                print(_CONSOLE_HELP)
            else:
                server.send_text(user, line.strip(), chat)
        except (LookupError, ValueError, OSError) as exc:
            print(f"!! {exc}")


def _describe(message: JSON) -> str:
    body = message.get("text") or message.get("caption") or next(
        (k for k in ("photo", "document", "location", "video") if k in message), "?")
    buttons = [b.get("callback_data") or b.get("url") for row in
               message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
    return f"[{message['chat']['id']}#{message['message_id']}] {body}" + (
        f"  buttons={buttons}" if buttons else "")


def _print_call(call: Call) -> None:
    if call.method == "getUpdates":
        return
    if not call.ok:
        print(f"<< {call.method} -> {call.status} {call.description}")
    elif isinstance(call.result, dict) and "message_id" in call.result and "chat" in call.result:
        print(f"<< {call.method} {_describe(call.result)}")
    else:
        print(f"<< {call.method} {call.params}")


async def _serve(args: argparse.Namespace) -> None:
    server = FakeTelegramServer(args.token, bot_username=args.username, port=args.port,
                                host=args.host, limits=Limits.off() if args.no_limits else None)
    server.on_call.append(_print_call)
    async with server:
        print(f"Fake Telegram Bot API at {server.base_url} (token {args.token})")
        print(f"Run the bot with TELEGRAM_API_URL={server.base_url} "
              f"TELEGRAM_BOT_TOKEN={args.token}; :help for commands", flush=True)
        await _console(server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server for trials")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--username", default="zhongyi_test_bot")
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


