"""Zhongyi (众议): a Telegram bot for neighbourhood participation."""

from bot.lazy_models import defer

__version__ = "0.1.0"

defer()  # before anything imports aiogram: see bot/lazy_models.py
