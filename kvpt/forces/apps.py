from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForcesConfig(AppConfig):
    name = "kvpt.forces"
    label = "forces"
    verbose_name = _("Lực lượng tham gia")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.forces import models, selectors

        register_history(models.Force, selectors.force_list)
        register_history(models.ForceAllocation, selectors.allocation_list)
        register_history(models.VehicleAllocation, selectors.vehicle_list)
        register_history(models.EquipmentAllocation, selectors.equipment_list)
        register_history(models.RosterEntry, selectors.roster_list)
        register_history(models.WeaponIssue, selectors.weapon_issue_list)
