"""aiogram's models build on first use (bot/lazy_models.py): checked in a fresh interpreter,
as `python -m bot` starts — every aiogram model still builds, updates still parse, and other
pydantic models still resolve names from their caller."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pydantic import BaseModel

CHECK = textwrap.dedent("""
    import bot
    import aiogram
    from aiogram.methods import SendMessage
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
    from pydantic import BaseModel

    assert not Message.__pydantic_complete__, "built at import"
    update = Update.model_validate({"update_id": 1, "callback_query": {
        "id": "7", "from": {"id": 5, "is_bot": False, "first_name": "Ann"},
        "chat_instance": "c", "data": "v1case:accept:7:0",
        "message": {"message_id": 3, "date": 0, "chat": {"id": -100, "type": "group"},
                    "text": "hi"}}})
    assert isinstance(update.callback_query.message, Message)
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="Accept", callback_data="v1case:accept:7:0")]])
    sent = SendMessage(chat_id=-100, text="x", reply_markup=markup)
    assert sent.model_dump(exclude_none=True)["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"] == "v1case:accept:7:0"

    def models(base):
        for sub in base.__subclasses__():
            yield sub
            yield from models(sub)

    ours = {m for m in models(BaseModel) if m.__module__.startswith("aiogram.")}
    failed = []
    for model in sorted(ours, key=lambda m: m.__qualname__):
        try:
            model.model_rebuild(force=True)
        except Exception as exc:
            failed.append(f"{model.__qualname__}: {exc}")
    assert not failed, failed
    print(len(ours))
""")


def test_every_aiogram_model_builds_on_first_use():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 400  # the types and the methods


def test_other_models_still_resolve_names_from_their_caller():
    class Household(BaseModel):
        floor: Floor  # noqa: F821 - defined below, resolved by model_rebuild

    class Floor(BaseModel):
        name: str

    assert Household.model_rebuild() is True
    assert Household(floor={"name": "3"}).floor == Floor(name="3")
