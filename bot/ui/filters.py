"""Message filters shared by the conversations.

A command typed in the middle of a flow is a command, never an answer: the step handlers
leave it to the command's own handler (which starts over, or answers and keeps the flow).
"""

from __future__ import annotations

from aiogram import F

NOT_COMMAND = ~F.text.startswith("/")
#: Typed text that is not a command: what a text step accepts.
TYPED = F.text & NOT_COMMAND
