from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kvpt.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from kvpt.accounts.models import Membership
        from kvpt.accounts.selectors import membership_list
        from kvpt.core.history import register_history

        register_history(Membership, membership_list)
