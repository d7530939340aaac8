"""Callback data of the /surveys buttons (close early, export), versioned like
bot/ui/callbacks. The survey id is client input: the services check again that the presser
created the survey or manages the community."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class SurveyAdminCB(CallbackData, prefix="v1sa"):
    """`action`: close (asks), confirm (closes), keep (does not), csv or xlsx (export)."""

    action: str
    survey: int
