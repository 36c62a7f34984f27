from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparationConfig(AppConfig):
    name = "kvpt.preparation"
    label = "preparation"
    verbose_name = _("Công tác chuẩn bị")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.preparation import models, selectors

        register_history(models.Task, selectors.task_list)
        register_history(models.Document, selectors.document_list)
        register_history(models.Work, selectors.work_list)
        register_history(models.BudgetLine, selectors.budget_line_list)
