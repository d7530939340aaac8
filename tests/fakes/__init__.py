"""Test doubles: the Bot API schema validator and the fake Telegram Bot API server."""
