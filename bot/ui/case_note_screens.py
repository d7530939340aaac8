"""Texts and keyboards of a body's steps on a case in private (conversations/case_note):
the prompt for a note, the photos of a resolution, confirming a rejection, what was done; and
the photos of the reporter's answer (conversations/case_answer)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import MAX_PHOTOS
from bot.ui.case_callbacks import CaseCB

PROMPT_DESCRIPTION = 300  # characters of the case's description under a prompt


def cancel_markup(case_id: int, *, send: bool = False) -> InlineKeyboardMarkup:
    """Cancel; with `send`, first the reporter's “Send” for an answer of photos alone."""
    row = [InlineKeyboardButton(text=_("✖️ Cancel"),
                                callback_data=CaseCB(action="cancel", case=case_id).pack())]
    if send:
        row.insert(0, InlineKeyboardButton(
            text=_("📨 Send"), callback_data=CaseCB(action="send", case=case_id).pack()))
    return InlineKeyboardMarkup(inline_keyboard=[row])


def prompt(action: str, number: str, description: str) -> str:
    texts = {
        "ask": _("❓ Case {number}: what do you need to know? Send your question; the "
                 "reporter gets it in private."),
        "resolve": _("🛠 Case {number}: what was done? Send a short note — with a photo of "
                     "the result if you have one (the photo's caption is the note)."),
        "reject": _("🚫 Case {number}: why is it rejected? Send the reason; the reporter "
                    "will read it."),
    }
    return texts[action].format(number=number) + "\n\n" + description[:PROMPT_DESCRIPTION]


def photo_added(count: int) -> str:
    """After a photo of the result without a caption: the note is still wanted."""
    if count >= MAX_PHOTOS:
        return _("📷 Photo {count} of {limit} added, the most I can take. Now send a short "
                 "note of what was done.").format(count=count, limit=MAX_PHOTOS)
    return _("📷 Photo {count} of {limit} added. Send another, or a short note of what was "
             "done.").format(count=count, limit=MAX_PHOTOS)


def photos_full() -> str:
    return _("You have added {limit} photos, the most I can take, so this one was not "
             "added. Please send the note as text.").format(limit=MAX_PHOTOS)


def answer_photo_added(count: int, *, added: bool) -> str:
    """After the reporter's photo without a caption, or one over the limit (not added)."""
    if not added:
        return _("You have added {limit} photos, the most I can take, so this one was not "
                 "added. Send a few words of answer, or press “Send”.").format(limit=MAX_PHOTOS)
    if count >= MAX_PHOTOS:
        return _("📷 Photo {count} of {limit} added, the most I can take. Send a few words "
                 "of answer, or press “Send”.").format(count=count, limit=MAX_PHOTOS)
    return _("📷 Photo {count} of {limit} added. Send another, a few words of answer, or "
             "press “Send”.").format(count=count, limit=MAX_PHOTOS)


def confirm_reject(number: str, reason: str, case_id: int,
                   ) -> tuple[str, InlineKeyboardMarkup]:
    text = _("🚫 Reject case {number} with this reason?\n“{reason}”\nThe reporter will read "
             "it.").format(number=number, reason=reason)
    return text, InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=_("🚫 Reject"),
                             callback_data=CaseCB(action="reject", case=case_id).pack()),
        InlineKeyboardButton(text=_("⬅️ Back"),
                             callback_data=CaseCB(action="back", case=case_id).pack())]])


def done_text(action: str, number: str, body: str = "") -> str:
    return {
        "ask": _("Sent. Case {number} waits for the reporter's answer; it will be posted in "
                 "your group."),
        "resolve": _("Done: case {number} is resolved. The reporter is asked to confirm and "
                     "rate it."),
        "reject": _("Done: case {number} is rejected. The reporter has been told why."),
        "reassign": _("Done: case {number} was passed to {body}."),
    }[action].format(number=number, body=body)
