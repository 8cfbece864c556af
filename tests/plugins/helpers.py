"""Helpers for the plugin tests: importing the plugin modules and a configured Datasette.

The plugins live in ``datasette_plugins/`` (a ``--plugins-dir``, not a package), so their
pure helpers are imported by path, as Datasette does.
"""

from __future__ import annotations

import importlib.util
import sys

from datasette.app import Datasette

from pmtui.publish import SETTINGS, database_name, metadata_for
from pmtui.publish.server import plugins_dir


def load_plugin(name: str):
    """Import ``datasette_plugins/<name>.py`` as a module called ``pmtui_test_<name>``."""
    module_name = f"pmtui_test_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, plugins_dir() / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


def make_datasette(path, company: str | None = "Mini Co") -> Datasette:
    """Datasette configured as ``pmtui serve`` configures it (same plugins, config and settings)."""
    return Datasette([str(path)], plugins_dir=str(plugins_dir()),
                     metadata=metadata_for(database_name(path), company), settings=dict(SETTINGS))
