"""The REST API of the plans app, under /api/v1/ (see urls.py)."""
