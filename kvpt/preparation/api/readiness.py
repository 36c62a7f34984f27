"""API endpoints for this kind of preparation record (filled in by its own change)."""

from ninja import Router

router = Router()
