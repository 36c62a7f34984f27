"""Each kind of directory record as the pages and the API reach it (kvpt.core.crud.Entity).

One declaration per kind: who sees it (selector), who may change it (permission), which services
write it. The views and endpoints take the record through these, so 404/403 are decided alike.
"""

from __future__ import annotations

from kvpt.core.crud import Entity
from kvpt.organisations import selectors, services
from kvpt.organisations.models import Agency, Area, Person, Unit

MANAGE = services.PERM

AREA: Entity[Area] = Entity(
    name="area",
    visible=selectors.area_list,
    perm=MANAGE,
    create=services.area_create,
    update=services.area_update,
    delete=services.area_delete,
)
AGENCY: Entity[Agency] = Entity(
    name="agency",
    visible=selectors.agency_list,
    perm=MANAGE,
    create=services.agency_create,
    update=services.agency_update,
    delete=services.agency_delete,
)
UNIT: Entity[Unit] = Entity(
    name="unit",
    visible=selectors.unit_list,
    perm=MANAGE,
    create=services.unit_create,
    update=services.unit_update,
    delete=services.unit_delete,
)
PERSON: Entity[Person] = Entity(
    name="person",
    visible=selectors.person_list,
    perm=MANAGE,
    create=services.person_create,
    update=services.person_update,
    delete=services.person_delete,
)
