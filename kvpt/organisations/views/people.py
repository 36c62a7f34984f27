"""Pages of people (cán bộ, cá nhân) and of the positions they hold, added and removed by htmx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kvpt.core import crud
from kvpt.core.permissions import require_perm
from kvpt.core.scope import get_visible_or_404
from kvpt.core.views_helpers import log_classified_read, marking_of, render_page
from kvpt.organisations import selectors, services
from kvpt.organisations.entities import MANAGE, PERSON
from kvpt.organisations.forms import PersonForm, PositionForm
from kvpt.organisations.models import Person, Position


def _crumbs(person: Person | None = None) -> crud.Crumbs:
    return crud.record_crumbs(_("Cán bộ, cá nhân"), "organisations:person_list", person)


@login_required
def person_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = selectors.person_search(
        user,
        q=request.GET.get("q", ""),
        area=request.GET.get("area"),
        agency=request.GET.get("agency"),
    )
    context = crud.list_context(
        request,
        queryset,
        areas=selectors.area_list(user).order_by("path"),
        can_add=selectors.area_managed_list(user).exists(),
        breadcrumbs=[(_("Cán bộ, cá nhân"), None)],
    )
    return render_page(
        request,
        "organisations/person_list.html",
        context,
        partial="organisations/partials/person_table.html",
    )


def _positions_context(user: Any, person: Person, form: PositionForm | None) -> dict[str, Any]:
    can_manage = user.has_perm(MANAGE, person)
    positions = list(selectors.visible_positions(user).filter(person=person))
    return {
        "person": person,
        "positions": positions,
        "page_classification": marking_of(
            [person.classification] + [p.agency.classification for p in positions]
        ),
        "can_manage": can_manage,
        "position_form": (form or PositionForm(user=user)) if can_manage else None,
    }


def _detail_page(
    request: HttpRequest, person: Person, form: PositionForm | None, status: int = 200
) -> HttpResponse:
    context = _positions_context(request.user, person, form)
    return render_page(
        request,
        "organisations/person_detail.html",
        {
            **context,
            **crud.detail_header(
                person,
                can_manage=context["can_manage"],
                edit="organisations:person_update",
                delete="organisations:person_delete",
            ),
            "breadcrumbs": [*_crumbs(), (person.full_name, None)],
        },
        status=status,
    )


@login_required
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = PERSON.get(request.user, pk)
    log_classified_read(request.user, person)
    return _detail_page(request, person, None)


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    area = crud.chosen_parent(
        request,
        "area",
        selectors.area_list(user),
        perm=MANAGE,
        managed=selectors.area_managed_list(user),
        refusal=_("Bạn không có quyền thêm cán bộ."),
    )
    return crud.create_page(
        request,
        PERSON,
        PersonForm,
        initial={"area": area},
        saved=_("Đã thêm “%(obj)s”."),
        title=_("Thêm cán bộ, cá nhân"),
        breadcrumbs=_crumbs(),
        cancel_url=reverse("organisations:person_list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = PERSON.get_for_change(request.user, pk)
    return crud.update_page(
        request,
        PERSON,
        person,
        PersonForm,
        saved=_("Đã lưu “%(obj)s”."),
        title=_("Sửa thông tin “%(obj)s”"),
        breadcrumbs=_crumbs(person),
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = PERSON.get_for_change(request.user, pk)
    return crud.delete_page(
        request,
        PERSON,
        person,
        what=_("cán bộ"),
        breadcrumbs=_crumbs(person),
        success_url=reverse("organisations:person_list"),
    )


def _positions_response(
    request: HttpRequest, person: Person, form: PositionForm | None, status: int = 200
) -> HttpResponse:
    """htmx gets the positions block (always 200, so it swaps errors in too); others a redirect."""
    if getattr(request, "htmx", False):
        return render_page(
            request,
            "organisations/partials/person_positions.html",
            _positions_context(request.user, person, form),
        )
    if form is not None and form.errors:
        return _detail_page(request, person, form, status=status)
    return HttpResponseRedirect(person.get_absolute_url())


@login_required
@require_POST
def position_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = PERSON.get_for_change(user, pk)
    form = PositionForm(request.POST, user=user)
    if not form.is_valid():
        return _positions_response(request, person, form, status=422)
    try:
        services.position_create(person=person, **form.cleaned_data, actor=user)
    except ValidationError as exc:
        crud.apply_service_errors(form, exc)
        return _positions_response(request, person, form, status=422)
    messages.success(request, _("Đã thêm chức vụ “%(title)s”.") % form.cleaned_data)
    return _positions_response(request, person, None)


@login_required
@require_POST
def position_delete_view(request: HttpRequest, pk: int, position_pk: int) -> HttpResponse:
    user = request.user
    person = PERSON.get(user, pk)
    position: Position = get_visible_or_404(
        selectors.visible_positions(user).filter(person=person), pk=position_pk
    )
    require_perm(user, MANAGE, person)
    services.position_delete(position=position, actor=user)
    messages.success(request, _("Đã bỏ chức vụ “%(title)s”.") % {"title": position.title})
    return _positions_response(request, person, None)
