"""API endpoints of the organisations app (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["organisations"])
