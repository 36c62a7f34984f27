from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenarioConfig(AppConfig):
    name = "kvpt.scenario"
    label = "scenario"
    verbose_name = _("Kịch bản và điều hành")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.scenario import models, selectors

        register_history(models.Situation, selectors.situation_list)
        register_history(models.Inject, selectors.inject_list)
        register_history(models.ConductClock, selectors.clock_list)
        register_history(models.ConductLogEntry, selectors.log_entry_list)
        register_history(models.SafetyIncident, selectors.incident_list)
