"""Pages of the directory: areas (a tree), agencies, units and people with their positions.

Every read goes through a selector (outside scope -> 404), every write through a service after
`require_perm` (in scope without the role -> 403); the shared flow is kvpt.core.crud. Lists filter
with htmx and serve only the table. One module per kind of record; urls.py names them from here.
"""

from kvpt.organisations.views.agencies import (
    agency_create_view,
    agency_delete_view,
    agency_detail_view,
    agency_list_view,
    agency_update_view,
)
from kvpt.organisations.views.areas import (
    area_create_view,
    area_delete_view,
    area_detail_view,
    area_list_view,
    area_succession_create_view,
    area_succession_delete_view,
    area_update_view,
)
from kvpt.organisations.views.people import (
    person_create_view,
    person_delete_view,
    person_detail_view,
    person_list_view,
    person_update_view,
    position_create_view,
    position_delete_view,
)
from kvpt.organisations.views.units import (
    unit_create_view,
    unit_delete_view,
    unit_detail_view,
    unit_list_view,
    unit_update_view,
)

__all__ = [
    "agency_create_view",
    "agency_delete_view",
    "agency_detail_view",
    "agency_list_view",
    "agency_update_view",
    "area_create_view",
    "area_delete_view",
    "area_detail_view",
    "area_list_view",
    "area_succession_create_view",
    "area_succession_delete_view",
    "area_update_view",
    "person_create_view",
    "person_delete_view",
    "person_detail_view",
    "person_list_view",
    "person_update_view",
    "position_create_view",
    "position_delete_view",
    "unit_create_view",
    "unit_delete_view",
    "unit_detail_view",
    "unit_list_view",
    "unit_update_view",
]
