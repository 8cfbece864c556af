"""Pure domain logic: no I/O, no clock, no Textual, no Datasette, no sqlite3."""
