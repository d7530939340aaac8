"""One person's chat in a handler test, read like a transcript."""

from __future__ import annotations

import json
from typing import Any

from bot.app import App
from tests.fakes.session import FakeSession
from tests.fakes.updates import Person, make_callback, make_message


class Chat:
    """One person's private chat, read like a transcript: what they send or press, what
    they see (texts and alerts), and the buttons of the last screen."""

    def __init__(self, app: App, session: FakeSession, person: Person,
                 chat_id: int | None = None) -> None:
        self.app, self.session, self.person = app, session, person
        self.chat_id = chat_id
        self.markup: list[dict[str, Any]] = []
        self.alerts: list[str] = []

    def labels(self) -> list[str]:
        return [b["text"] for b in self.markup]

    def button(self, label: str) -> dict[str, Any]:
        """The button labelled `label`, else the one button whose label contains it."""
        found = [b for b in self.markup if b["text"] == label] or [
            b for b in self.markup if label in b["text"]]
        assert len(found) == 1, f"no single button {label!r} in {self.labels()}"
        return found[0]

    def data(self, label: str) -> str:
        return self.button(label)["callback_data"]

    async def send(self, text: str, **extra: Any) -> list[str]:
        await self.app.dp.feed_update(self.app.bot, make_message(self.person, text,
                                                                 chat_id=self.chat_id, **extra))
        return self.read()

    async def press(self, label: str) -> list[str]:
        return await self.press_data(self.data(label))

    async def press_data(self, data: str) -> list[str]:
        await self.app.dp.feed_update(self.app.bot, make_callback(self.person, data,
                                                                  chat_id=self.chat_id))
        return self.read()

    def read(self) -> list[str]:
        texts, self.alerts = [], []
        for call in self.session.take():
            params = call.params
            if call.method == "answerCallbackQuery":
                if params.get("show_alert"):
                    self.alerts.append(params["text"])
            elif "reply_markup" in params:
                markup = params["reply_markup"]
                markup = json.loads(markup) if isinstance(markup, str) else markup
                self.markup = [b for row in markup.get("inline_keyboard", []) for b in row]
            elif call.method == "editMessageText":
                self.markup = []
            if params.get("text"):
                texts.append(params["text"])
        return texts

    async def answer_quickly(self, first: str = "Yes") -> str:
        """From the intro to the summary: one option, Cost, and two skips."""
        await self.press("▶️ Start")
        await self.press(first)
        await self.press("☐ Cost")
        await self.press("Next ➡️")
        await self.press("Skip ⏭")
        return (await self.press("Skip ⏭"))[0]
