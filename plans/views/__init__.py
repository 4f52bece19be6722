"""Page views of the plans app, one module per feature."""
