from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def admin_login(request: Any, extra_context: Any = None) -> Any:
    """The admin site's login, sent to ours so that no step of it can be skipped.

    Django's own admin login form would log a user in without the second-factor step our login
    view adds for users who enrolled voluntarily. Anonymous visitors go to accounts:login with the
    page they wanted as `next`; a signed-in member of staff goes on; a signed-in user without
    access to the admin gets a 403 (sending them to our login would loop back here).
    """
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponseRedirect
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        wanted = ""
    wanted = wanted or reverse("admin:index")
    user = request.user
    if user.is_authenticated:
        if user.is_active and user.is_staff:
            return HttpResponseRedirect(wanted)
        raise PermissionDenied(_("Tài khoản này không có quyền vào trang quản trị hệ thống."))
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': wanted})}")


class AccountsConfig(AppConfig):
    name = "kvpt.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from django.contrib import admin

        from kvpt.accounts.models import Membership
        from kvpt.accounts.selectors import membership_list
        from kvpt.core.history import register_history

        register_history(Membership, membership_list)
        # An instance attribute: AdminSite.get_urls() routes admin/login/ to `self.login`.
        admin.site.login = admin_login  # type: ignore[method-assign]
