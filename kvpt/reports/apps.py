from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kvpt.reports"
    label = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.reports import models, selectors

        register_history(models.ReportTemplate, selectors.template_list)
