"""API endpoints of the exercises app (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["exercises"])
