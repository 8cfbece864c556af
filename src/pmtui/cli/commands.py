"""Registers every command module on the ``pmtui`` group."""

from pmtui.cli import audit_cmds, data_cmds, design_cmds, serve_cmds, setup_cmds  # noqa: F401
