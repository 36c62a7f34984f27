from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "kvpt.organisations"
    label = "organisations"
    verbose_name = _("Địa bàn, cơ quan, đơn vị, cán bộ")

    def ready(self) -> None:
        from kvpt.core.history import register_history
        from kvpt.organisations import selectors
        from kvpt.organisations.models import (
            Agency,
            Area,
            AreaSuccession,
            Person,
            Position,
            Unit,
        )

        register_history(Area, selectors.area_list)
        register_history(AreaSuccession, selectors.area_succession_list)
        register_history(Agency, selectors.agency_list)
        register_history(Unit, selectors.unit_list)
        register_history(Person, selectors.person_list)
        register_history(Position, selectors.position_list)
