"""pmtui: performance management over one audited SQLite file."""

__version__ = "0.1.0"
