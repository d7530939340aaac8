"""Everything a reader sees: texts (through the gettext catalogs), keyboards, callback data,
formatting of dates and numbers, and the renderers of outbox messages."""
