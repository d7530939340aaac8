"""Nightly clean-up, so the plumbing tables do not grow without bound."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.clock import Clock
from storage import Database, housekeeping_repo

log = logging.getLogger(__name__)

# Telegram redelivers an update for at most a day; a week is a wide margin.
INBOX_KEEP = timedelta(days=7)
OUTBOX_KEEP = timedelta(days=30)
# A conversation left half-way for this long is forgotten.
FLOW_KEEP = timedelta(days=30)
# A roster import not confirmed within a week has expired: the roster may have changed
# since its preview. Confirming it is refused from then on; it is deleted at the next run.
IMPORT_DRAFT_KEEP = timedelta(days=7)


async def purge_old(db: Database, clock: Clock) -> dict[str, int]:
    now = clock.now()
    removed = await housekeeping_repo.purge(db, inbox_before=now - INBOX_KEEP,
                                            outbox_before=now - OUTBOX_KEEP,
                                            flows_before=now - FLOW_KEEP,
                                            import_drafts_before=now - IMPORT_DRAFT_KEEP)
    log.info("housekeeping removed %s", removed)
    return removed
