"""Zhongyi (众议): a Telegram bot for neighbourhood participation."""

__version__ = "0.1.0"
