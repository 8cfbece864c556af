"""Use cases: every write is one audited transaction; the TUI, CLI and plugins call these."""
