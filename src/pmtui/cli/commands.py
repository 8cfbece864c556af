"""Registers every command module on the ``pmtui`` group."""

from pmtui.cli import allocation_cmds, audit_cmds, data_cmds, design_cmds, drivers_cmds, formulas_cmds, measurement_cmds, publish_cmds, serve_cmds, setup_cmds, spc_cmds, strategy_cmds  # noqa: F401
from pmtui.cli import actions_cmds, controls_cmds, corrections_cmds, disputes_cmds, governance_cmds, initiatives_cmds, review_cmds  # noqa: F401,E402
from pmtui.cli import framework_cmds  # noqa: F401,E402
from pmtui.cli import authoring_cmds, people_cmds  # noqa: F401,E402
