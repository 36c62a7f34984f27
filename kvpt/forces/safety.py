"""Safety incidents as the forces app sees them: a hook into the scenario app.

Safety incidents (people, weapons, property, civilians) are recorded during conduct by the
scenario app (kvpt/scenario). This app must not depend on it: when it is not installed the
incidents are "not recorded yet", and the computed absolute safety stays undetermined rather than
claimed from missing data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

# Incident kinds / severities that mean harm to people (matched loosely: the scenario app owns
# the vocabulary; see docs/guide/forces.md).
HARM_WORDS = ("people", "civilian", "injur", "casualt", "death", "dead", "killed", "wound")


@dataclass
class IncidentStatus:
    recorded: bool  # False: the scenario app (or its incident log) is not there
    harmful: list[str] = field(default_factory=list)  # descriptions of incidents harming people
    weapon_related: list[str] = field(default_factory=list)


def _looks_harmful(incident: Any) -> bool:
    for name in ("injured_count", "killed_count", "injured", "killed", "casualties"):
        value = getattr(incident, name, None)
        if isinstance(value, int) and value > 0:
            return True
    text = " ".join(str(getattr(incident, name, "") or "") for name in ("kind", "category")).lower()
    return any(word in text for word in HARM_WORDS)


def _is_weapon(incident: Any) -> bool:
    text = " ".join(str(getattr(incident, n, "") or "") for n in ("kind", "category")).lower()
    return "weapon" in text or "vũ khí" in text


def incident_status(exercise_id: int) -> IncidentStatus:
    """The exercise's safety incidents, if the scenario app records them."""
    if not apps.is_installed("kvpt.scenario"):
        return IncidentStatus(recorded=False)
    try:
        model = apps.get_model("scenario", "SafetyIncident")
    except LookupError:
        return IncidentStatus(recorded=False)
    status = IncidentStatus(recorded=True)
    for incident in model._default_manager.filter(exercise_id=exercise_id):
        if _looks_harmful(incident):
            status.harmful.append(str(incident))
        if _is_weapon(incident):
            status.weapon_related.append(str(incident))
    return status
