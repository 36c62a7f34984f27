"""The preparation API: one router per kind, mounted under /api/v1/ by config/api.py."""

from ninja import Router

from kvpt.preparation.api import budget, documents, readiness, tasks, works

router = Router()
router.add_router("", tasks.router)
router.add_router("", documents.router)
router.add_router("", works.router)
router.add_router("", budget.router)
router.add_router("", readiness.router)
