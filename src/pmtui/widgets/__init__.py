"""Small widgets and cell renderers shared by the screens."""
