"""Screens of the TUI, one per module: scorecard, KPI, data entry, unit picker, help."""
