"""Buttons of issue reports, versioned like bot/ui/callbacks. A case id in a button is client
input: the services check again who pressed and whether the case is still open."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

#: Deep-link payloads (t.me/<bot>?start=…) of the body actions that need a note or a choice;
#: they continue in the private chat, where the bot may ask for text even in privacy mode.
LINK_ACTIONS = {"q": "ask", "m": "reassign", "r": "resolve", "x": "reject"}
LINK_LETTERS = {action: letter for letter, action in LINK_ACTIONS.items()}
REPORT_LINK = "report"


def action_link(action: str, case_id: int) -> str:
    return f"c{LINK_LETTERS[action]}_{case_id}"


class ReportCB(CallbackData, prefix="v1rp"):
    """A step of the report flow: `action` names the step, `value` what was picked; on the
    summary, "edit" with the part to change (description, category, place, photos) and
    "urgent" with the new answer ("1" or "0")."""

    action: str
    value: str = ""


class CaseCB(CallbackData, prefix="v1case"):
    """A body's action on a case card: accept (in the group); in private, the choice of a
    body when reassigning, and confirming a rejection or going back to its reason."""

    action: str
    case: int
    value: int = 0


class MeTooCB(CallbackData, prefix="v1me2"):
    """A neighbour's "me too" on a case (in the building group or in private)."""

    case: int


class MyCaseCB(CallbackData, prefix="v1my"):
    """The reporter's buttons: view, answer a question, rate 1–5, reopen, appeal a
    rejection."""

    action: str
    case: int
    value: int = 0
