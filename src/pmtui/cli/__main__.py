"""``python -m pmtui.cli`` runs the command line (used by the benchmarks)."""

from pmtui.cli import main

main()
