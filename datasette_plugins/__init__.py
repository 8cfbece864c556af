"""pmtui's Datasette plugins, one ``pm_*`` module per page or hook group.

Installed with pmtui as the package ``datasette_plugins`` and registered through the
``datasette`` entry points in ``pyproject.toml`` (one per module), so Datasette loads
them however pmtui was installed (wheel, ``pipx``, editable). The modules read their
templates and static files beside themselves (``templates/``, ``static/``).
"""
