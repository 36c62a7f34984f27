"""API endpoints of the accounts app (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["accounts"])
