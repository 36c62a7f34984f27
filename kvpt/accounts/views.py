"""Account pages: profile (the rest of the account screens grow here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kvpt.core.views_helpers import render_page


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "accounts/profile.html",
        {"breadcrumbs": [(_("Tài khoản của tôi"), None)]},
    )
