"""Texts and keyboards of the report flow (conversations/report_issue), one screen each."""

from __future__ import annotations

from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _

from bot.domain.cases import IN_BUILDING, MAX_PHOTOS, PUBLIC_AREAS
from bot.ui import fmt
from bot.ui.case_callbacks import MeTooCB, ReportCB
from bot.ui.case_texts import case_number, category_name, place_name

SIMILAR_SHOWN = 80  # characters of a similar case's description


def _button(text: str, action: str, value: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text,
                                callback_data=ReportCB(action=action, value=str(value)).pack())


def cancel_row() -> list[InlineKeyboardButton]:
    return [_button(_("✖️ Cancel"), "cancel")]


def categories(options: dict[str, list[str | None]]) -> InlineKeyboardMarkup:
    buttons = [_button(category_name(label), "category", cid) for cid, label in options.items()]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, cancel_row()])


def describe_prompt() -> str:
    return _("✏️ Describe the problem in a few words: what is wrong and where exactly.")


def describe_again(text: str) -> str:
    """The description step opened from the summary, with what it says now to copy from."""
    return describe_prompt() + "\n" + _("What it says now: {text}").format(text=text)


def similar(cases: list[Any], locale: str) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("Neighbours have already reported something similar in your building. If it "
               "is the same problem, press “Me too” instead of reporting it again — it "
               "raises its priority and you will hear when it is resolved:")]
    rows = []
    for case in cases:
        text = case.description if len(case.description) <= SIMILAR_SHOWN else (
            case.description[:SIMILAR_SHOWN - 1] + "…")
        lines.append(_("• {number} ({date}, {count} neighbours): {text}").format(
            number=case_number(case.number), text=text,
            date=fmt.short_when(case.created_at, case.timezone, locale),
            count=fmt.number(case.supporters, locale)))
        rows.append([InlineKeyboardButton(
            text=_("🙋 Me too: {number}").format(number=case_number(case.number)),
            callback_data=MeTooCB(case=case.case_id).pack())])
    rows.append([_button(_("➕ No, mine is different — go on"), "new")])
    rows.append(cancel_row())
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def photos_prompt(count: int, *, dropped: bool = False,
                  captioned: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The photo step after `count` photos: the button is “Skip” before the first. Says
    when the photo just sent was `dropped` (over the limit), and that a photo's caption is
    not kept (the description was written already)."""
    if dropped:
        text = _("You have added {limit} photos, the most I can take, so this one was not "
                 "added. Press “Next”.").format(limit=MAX_PHOTOS)
    elif count == 0:
        text = _("📷 Send up to {limit} photos of the problem now, or press “Skip”.").format(
            limit=MAX_PHOTOS)
    elif count < MAX_PHOTOS:
        text = _("📷 Photo {count} of {limit} added. Send another, or press “Next”.").format(
            count=count, limit=MAX_PHOTOS)
    else:
        text = _("📷 Photo {count} of {limit} added, the most I can take. Press “Next”."
                 ).format(count=count, limit=MAX_PHOTOS)
    if captioned:
        text += "\n" + _("The photo's caption was not kept: your report keeps the "
                         "description you wrote.")
    return text, _photos_markup(count)


def photos_refusal(count: int) -> tuple[str, InlineKeyboardMarkup]:
    """Something other than a photo at the photo step, with the step's button again."""
    if count == 0:
        text = _("Only photos can be added here (up to {limit}). Send a photo, or press "
                 "“Skip”.").format(limit=MAX_PHOTOS)
    else:
        text = _("Only photos can be added here (up to {limit}). Send a photo, or press "
                 "“Next”.").format(limit=MAX_PHOTOS)
    return text, _photos_markup(count)


def _photos_markup(count: int) -> InlineKeyboardMarkup:
    done = _button(_("Skip ➡️") if count == 0 else _("Next ➡️"), "photos_done")
    return InlineKeyboardMarkup(inline_keyboard=[[done], cancel_row()])


def places(homes: dict[str, str]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[_button(_("🏠 My home: {home}").format(home=label), "home", hid)]
            for hid, label in homes.items()]
    rows += [[_button(_("🏢 Elsewhere in my building"), "where", "building")],
             [_button(_("🌳 A public area of the compound"), "where", "public")],
             [_button(_("📍 Share a location"), "where", "location")],
             cancel_row()]
    return _("📍 Where is the problem?"), InlineKeyboardMarkup(inline_keyboard=rows)


def place_choices(group: str) -> tuple[str, InlineKeyboardMarkup]:
    choices = IN_BUILDING if group == "building" else PUBLIC_AREAS
    rows = [[_button(place_name(p), "place", p)] for p in choices]
    rows += [[_button(_("⬅️ Back"), "where", "back")], cancel_row()]
    return _("📍 Where exactly?"), InlineKeyboardMarkup(inline_keyboard=rows)


def location_keyboard() -> ReplyKeyboardMarkup:
    """At the bottom of the screen: send the location, or go back to the places, or
    cancel the report (typed labels, read back by `location_choice`)."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📍 Send my current location"), request_location=True)],
                  [KeyboardButton(text=_("⬅️ Back")), KeyboardButton(text=_("✖️ Cancel"))]],
        resize_keyboard=True, one_time_keyboard=True)


def location_choice(text: str | None) -> str | None:
    """"back" or "cancel" for the labels of `location_keyboard`, else None."""
    return {_("⬅️ Back"): "back", _("✖️ Cancel"): "cancel"}.get(text or "")


def location_prompt() -> str:
    return _("Press “{button}” at the bottom of the screen to send where you are now, or "
             "send a place with 📎 → Location. “{back}” chooses another kind of place.").format(
        button=_("📍 Send my current location"), back=_("⬅️ Back"))


def location_hint() -> str:
    return _("Please press “{button}” at the bottom of the screen, or “{back}” to choose "
             "another kind of place.").format(button=_("📍 Send my current location"),
                                             back=_("⬅️ Back"))


def urgency() -> tuple[str, InlineKeyboardMarkup]:
    return (_("Is it urgent — a danger to people or property right now (fire exit blocked, "
              "gas smell, water leaking, someone stuck)?"),
            InlineKeyboardMarkup(inline_keyboard=[
                [_button(_("🚨 Yes, urgent"), "urgent", 1)],
                [_button(_("No, not urgent"), "urgent", 0)], cancel_row()]))


def summary(data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    place = (data["homes"][str(data["household_id"])] if data["place"] == "home"
             else place_name(data["place"]))
    lines = [_("Please check your report:"),
             _("Category: {category}").format(
                 category=category_name(data["categories"][str(data["category_id"])])),
             _("Problem: {text}").format(text=data["description"]),
             _("Photos: {count}").format(count=len(data["photos"])),
             _("Where: {place}").format(place=place),
             _("Urgent: {answer}").format(answer=_("yes") if data["urgent"] else _("no")),
             _("Shown to neighbours: {answer}").format(
                 answer=_("yes, without your name or home") if data["shared"] else _("no"))]
    return "\n".join(lines), _summary_markup(data)


def _summary_markup(data: dict[str, Any]) -> InlineKeyboardMarkup:
    """Submit; ✏️ one step again, named like the summary's lines, two to a row; switch
    urgent and shown to neighbours; cancel."""
    urgent = _("⚡ Mark as not urgent") if data["urgent"] else _("⚡ Mark as urgent")
    share = (_("👥 Don't show it to neighbours") if data["shared"]
             else _("👥 Show it to neighbours (anonymous)"))
    return InlineKeyboardMarkup(inline_keyboard=[
        [_button(_("✅ Submit"), "submit")],
        [_button(_("✏️ Problem"), "edit", "description"),
         _button(_("✏️ Category"), "edit", "category")],
        [_button(_("✏️ Where"), "edit", "place"), _button(_("✏️ Photos"), "edit", "photos")],
        [_button(urgent, "urgent", int(not data["urgent"]))],
        [_button(share, "share")], cancel_row()])
