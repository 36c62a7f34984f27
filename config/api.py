"""The API at /api/v1/: one NinjaAPI, a router per app, docs and schema served locally."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from kvpt.accounts.api import router as accounts_router
from kvpt.core.api import API_AUTH, Utf8JSONRenderer, install_error_handlers
from kvpt.evaluation.api import router as evaluation_router
from kvpt.exchange.api import router as exchange_router
from kvpt.exercises.api import router as exercises_router
from kvpt.exercises.committee_api import router as committee_router
from kvpt.exercises.structure_api import router as structure_router
from kvpt.forces.api import router as forces_router
from kvpt.organisations.api import router as organisations_router
from kvpt.preparation.api import router as preparation_router
from kvpt.reports.api import router as reports_router
from kvpt.review.api import router as review_router
from kvpt.review.lessons_api import router as lessons_router
from kvpt.scenario.api import router as scenario_router

api = NinjaAPI(
    title="kvpt API",
    version="1",
    description=(
        "API của hệ thống quản lý diễn tập khu vực phòng thủ. Xác thực bằng phiên đăng nhập "
        "(kèm CSRF khi ghi) hoặc khóa API: `Authorization: Bearer kvpt_...`."
    ),
    auth=API_AUTH,
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
    # Swagger's online validator would call out of an air-gapped network.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", organisations_router)
api.add_router("/exercises", exercises_router)
api.add_router("/exercises", structure_router)
api.add_router("/exercises", committee_router)
api.add_router("", preparation_router)
api.add_router("", scenario_router)
api.add_router("", evaluation_router)
api.add_router("", review_router)
api.add_router("", lessons_router)
api.add_router("", forces_router)
api.add_router("", reports_router)
api.add_router("", exchange_router)
