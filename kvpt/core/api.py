"""The API's shared frame: authentication, one error shape, pagination, the `me` schema helpers.

Every router in kvpt/<app>/api.py uses these; config/api.py assembles them at /api/v1/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from kvpt.core.services import ConcurrentEditError

# --- Authentication ----------------------------------------------------------------------------

# A token's last use is written at most this often, so reads do not turn into writes.
_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kvpt_...` with a per-user token; sets request.user for history."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from kvpt.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.is_active or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class KvptSessionAuth(SessionAuth):
    """The browser's session (with CSRF on writes), for htmx and the API docs page."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is nobody to protect: answer 401, not a CSRF 403.
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


API_AUTH = [TokenAuth(), KvptSessionAuth()]


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese stays readable in responses and logs instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


# --- Errors ------------------------------------------------------------------------------------


class FieldError(Schema):
    field: str = Field(description="Tên trường; rỗng khi lỗi không thuộc trường nào.")
    loc: list[str | int] = Field(default_factory=list)
    message: str


class ErrorOut(Schema):
    """The one error shape every endpoint returns."""

    detail: str
    code: str
    errors: list[FieldError] = Field(default_factory=list)


_PYDANTIC_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("Trường này là bắt buộc."),
    "string_too_long": gettext_lazy("Quá dài: tối đa {max_length} ký tự."),
    "string_too_short": gettext_lazy("Quá ngắn: tối thiểu {min_length} ký tự."),
    "int_parsing": gettext_lazy("Phải là số nguyên."),
    "int_type": gettext_lazy("Phải là số nguyên."),
    "float_parsing": gettext_lazy("Phải là số."),
    "bool_parsing": gettext_lazy("Phải là đúng/sai (true/false)."),
    "date_from_datetime_parsing": gettext_lazy("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Ngày không hợp lệ (dạng YYYY-MM-DD)."),
    "datetime_parsing": gettext_lazy("Thời điểm không hợp lệ (dạng ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Thời điểm không hợp lệ (dạng ISO 8601)."),
    "greater_than_equal": gettext_lazy("Phải lớn hơn hoặc bằng {ge}."),
    "less_than_equal": gettext_lazy("Phải nhỏ hơn hoặc bằng {le}."),
    "greater_than": gettext_lazy("Phải lớn hơn {gt}."),
    "less_than": gettext_lazy("Phải nhỏ hơn {lt}."),
    "enum": gettext_lazy("Giá trị không hợp lệ; chọn một trong: {expected}."),
    "literal_error": gettext_lazy("Giá trị không hợp lệ; chọn một trong: {expected}."),
    "string_type": gettext_lazy("Phải là chuỗi ký tự."),
    "json_invalid": gettext_lazy("Nội dung JSON không hợp lệ."),
    "model_attributes_type": gettext_lazy("Dữ liệu gửi lên phải là một đối tượng JSON."),
    "dict_type": gettext_lazy("Dữ liệu gửi lên phải là một đối tượng JSON."),
    "list_type": gettext_lazy("Phải là một danh sách."),
    "extra_forbidden": gettext_lazy("Trường này không được phép."),
    "value_error": "{msg}",
}


def _localised_message(error: dict[str, Any]) -> str:
    template = _PYDANTIC_MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return str(error.get("msg", _("Giá trị không hợp lệ.")))
    context = dict(error.get("ctx") or {})
    if isinstance(context.get("expected"), str):
        # pydantic lists choices in English ("'a', 'b' or 'c'"); a plain list reads in any language.
        context["expected"] = context["expected"].replace("' or '", "', '")
    context.setdefault("msg", str(error.get("msg", "")).removeprefix("Value error, "))
    try:
        return str(template).format(**context)
    except (KeyError, IndexError):
        return str(error.get("msg", ""))


def _field_name(loc: list[str | int]) -> str:
    # ninja prefixes locations with the source ("body", "query") and the parameter name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie", "file"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "filters"}:
            parts = parts[1:]
    return ".".join(parts)


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    code: str,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body = {"detail": detail, "code": code, "errors": errors or []}
    return api.create_response(request, body, status=status)


def django_validation_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if name == "__all__" else name, "loc": [name], "message": str(message)}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "loc": [], "message": str(m)} for m in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    """One JSON error shape, Vietnamese messages, the right status for each failure."""

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_name(list(e.get("loc", []))),
                "loc": list(e.get("loc", [])),
                "message": _localised_message(e),
            }
            for e in exc.errors
        ]
        return error_response(
            api,
            request,
            status=422,
            detail=_("Dữ liệu gửi lên không hợp lệ."),
            code="validation_error",
            errors=errors,
        )

    @api.exception_handler(ConcurrentEditError)
    def on_conflict(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=409,
            detail=exc.messages[0],
            code="concurrent_edit",
            errors=[{"field": "version", "loc": ["version"], "message": exc.messages[0]}],
        )

    @api.exception_handler(DjangoValidationError)
    def on_model_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=422,
            detail=_("Dữ liệu không hợp lệ."),
            code="validation_error",
            errors=django_validation_errors(exc),
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(
            api, request, status=404, detail=_("Không tìm thấy."), code="not_found"
        )

    @api.exception_handler(OverflowError)
    def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # An id too large for the database's integers (beyond 64 bits) names nothing that exists.
        return error_response(
            api, request, status=404, detail=_("Không tìm thấy."), code="not_found"
        )

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(
            api,
            request,
            status=403,
            detail=str(exc) or _("Bạn không có quyền thực hiện thao tác này."),
            code="permission_denied",
        )

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=401,
            detail=_("Cần đăng nhập hoặc khóa API hợp lệ (Authorization: Bearer ...)."),
            code="not_authenticated",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # ninja's own wording; the body is not JSON at all.
            return error_response(
                api,
                request,
                status=400,
                detail=_("Nội dung gửi lên không phải JSON hợp lệ."),
                code="malformed_body",
            )
        if exc.status_code == 403 and str(exc).startswith("CSRF check"):
            return error_response(
                api,
                request,
                status=403,
                detail=_(
                    "Thiếu hoặc sai mã CSRF: khi dùng phiên đăng nhập, gửi kèm tiêu đề "
                    "X-CSRFToken; khi gọi từ chương trình, dùng khóa API."
                ),
                code="csrf_failed",
            )
        return error_response(api, request, status=exc.status_code, detail=str(exc), code="error")


# --- Pagination --------------------------------------------------------------------------------


class PagePagination(PaginationBase):
    """`?page=&page_size=` -> {items, count, page, page_size, pages}."""

    class Input(Schema):
        # Bounded: a number beyond 64 bits would reach the database and fail there (SQLite).
        page: int = Field(1, ge=1, le=10**9, description="Trang, bắt đầu từ 1.")
        page_size: int = Field(50, ge=1, le=500, description="Số dòng mỗi trang (tối đa 500).")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = self._items_count(queryset)
        size = pagination.page_size
        start = (pagination.page - 1) * size
        return {
            "items": list(queryset[start : start + size]),
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "pages": max(1, -(-count // size)),
        }
