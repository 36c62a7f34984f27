"""What the security matrix walks: every URL pattern and API operation, filled by construction.

Nothing here lists pages or endpoints by hand. The URL patterns come from the resolver, the API
operations from the OpenAPI document; path parameters are filled with objects of alice's district
built by the permission matrix's FACTORIES (kvpt/core/tests/test_permission_matrix.py):

- a UI route is filled from the detail page of an object whose URL is a prefix of the route
  (`exercises/<int:pk>/` fills `exercises/<int:pk>/tasks/new/` with the exercise), then each
  parameter left by its name (`position_pk` -> a Position), then by the URL segment before it
  (`memberships/<int:pk>/` -> a Membership);
- an API path parameter by its name: `exercise_id` -> exercises.exercise, `budget_line_id` ->
  preparation.budgetline.

A route or operation this cannot fill makes the tests fail with a message that says what to add.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from kvpt.core.testing.world import World

# --- enumeration -------------------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # "org/areas/<int:pk>/edit/"
    name: str  # "organisations:area_update" (or the route when unnamed)
    params: tuple[tuple[str, str], ...]  # (name, converter)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _walk(patterns: Any, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith("^") or "(?P" in route:
                # A regex pattern (Django admin's catch-all): no parameters to fill.
                route = route.lstrip("^").rstrip("$")
            name = entry.name or route
            if namespace and entry.name:
                name = f"{namespace}:{entry.name}"
            params = tuple(
                (m.group("name"), m.group("converter") or "str") for m in _PARAM.finditer(route)
            )
            yield Route(route=route, name=name, params=params)


def all_routes() -> list[Route]:
    """Every URL pattern of the project, once per (route, name)."""
    seen: dict[tuple[str, str], Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault((route.route, route.name), route)
    return list(seen.values())


@dataclass(frozen=True)
class Operation:
    method: str  # "GET", "POST", ...
    path: str  # "/api/v1/exercises/{exercise_id}"
    operation_id: str
    params: tuple[str, ...]  # path parameter names
    body: dict[str, Any] | None  # the request body's media types -> schema
    query: tuple[dict[str, Any], ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def openapi_document() -> dict[str, Any]:
    from config.api import api

    document: dict[str, Any] = api.get_openapi_schema()
    return document


def api_operations(document: dict[str, Any] | None = None) -> list[Operation]:
    document = document or openapi_document()
    found = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            parameters = op.get("parameters", [])
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=op.get("operationId", ""),
                    params=tuple(p["name"] for p in parameters if p["in"] == "path"),
                    body=(op.get("requestBody") or {}).get("content"),
                    query=tuple(p for p in parameters if p["in"] == "query"),
                )
            )
    return found


# --- objects -----------------------------------------------------------------------------------


def _extra_user(world: World) -> Any:
    """A user whose only membership is in alice's district (neither an actor nor the admin)."""
    from kvpt.accounts.models import Role, User
    from kvpt.core.testing.factories import UserFactory, grant

    existing = User.objects.filter(username="matrix-observer").first()
    if existing is not None:
        return existing
    user = UserFactory.create(username="matrix-observer")
    grant(user, Role.OBSERVER, area=world.district)
    return user


def _alice_token(world: World) -> Any:
    from kvpt.accounts.models import ApiToken

    _raw, prefix, digest = ApiToken.generate()
    return ApiToken.objects.create(
        user=world.alice, name="matrix", key_prefix=prefix, key_hash=digest
    )


def _document_version(world: World) -> Any:
    from django.core.files.base import ContentFile

    from kvpt.core.tests.test_permission_matrix import FACTORIES
    from kvpt.preparation.models import DocumentVersion

    content = "Kế hoạch diễn tập (bản thử)".encode()
    version = DocumentVersion(
        document=FACTORIES["preparation.document"](world),
        number=1,
        filename="ke-hoach.txt",
        content_type="text/plain",
        size=len(content),
        sha256="0" * 64,
        uploaded_by=world.alice,
    )
    version.file.save("ke-hoach.txt", ContentFile(content), save=False)
    version.save()
    return version


def _file(name: str) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(b"PK\x03\x04 matrix", name=name)


def _report_template(world: World) -> Any:
    from kvpt.reports.models import ReportTemplate

    template = ReportTemplate(
        area=world.district, name="Mẫu báo cáo thử", filename="mau.docx", sha256="0" * 64
    )
    template.file.save("mau.docx", _file("mau.docx"), save=False)
    template.save()
    return template


def _generated_report(world: World) -> Any:
    from kvpt.reports.models import GeneratedReport, ReportFormat, ReportKind

    report = GeneratedReport(
        exercise=world.exercise,
        kind=ReportKind.values[0],
        format=ReportFormat.values[0],
        status="done",
        filename="bao-cao.docx",
        created_by=world.alice,
    )
    report.file.save("bao-cao.docx", _file("bao-cao.docx"), save=False)
    report.save()
    return report


def _action_evidence(world: World) -> Any:
    from kvpt.core.tests.test_permission_matrix import FACTORIES
    from kvpt.review.models import ActionEvidence

    evidence = ActionEvidence(
        action=FACTORIES["review.correctiveaction"](world),
        filename="minh-chung.txt",
        content_type="text/plain",
        size=6,
        sha256="0" * 64,
    )
    evidence.file.save("minh-chung.txt", _file("minh-chung.txt"), save=False)
    evidence.save()
    return evidence


def _notification(world: World) -> Any:
    import datetime as dt

    from kvpt.core.tests.test_permission_matrix import FACTORIES
    from kvpt.review.models import Notification, NotificationKind

    return Notification.objects.create(
        user=world.alice,
        kind=NotificationKind.values[0],
        action=FACTORIES["review.correctiveaction"](world),
        day=dt.date(2023, 9, 1),
    )


# Objects the permission matrix's FACTORIES do not make (they have no history registration).
EXTRA_FACTORIES: dict[str, Callable[[World], Any]] = {
    "accounts.user": _extra_user,
    "accounts.apitoken": _alice_token,
    "preparation.documentversion": _document_version,
    "reports.reporttemplate": _report_template,
    "reports.generatedreport": _generated_report,
    "review.actionevidence": _action_evidence,
    "review.notification": _notification,
}

# URL parameters that are not a primary key: name -> (label, attribute).
PARAM_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "number": ("preparation.documentversion", "number"),
}
# URL parameters that name something fixed in code: name -> a valid value.
PARAM_CONSTANTS: dict[str, Callable[[], Any]] = {
    "name": lambda: next(iter(__import__("kvpt.reports.excel", fromlist=["TABLES"]).TABLES)),
}
# Labels whose model name does not follow from the URL (`reports/<pk>` is a GeneratedReport).
WORD_LABELS: dict[str, str] = {
    "report": "reports.generatedreport",
    "evidence": "review.actionevidence",
    "lesson": "review.observation",  # the lessons library: /lessons/<pk>/ is an observation
}


def _factories() -> dict[str, Callable[[World], Any]]:
    from kvpt.core.tests.test_permission_matrix import FACTORIES

    return {**FACTORIES, **EXTRA_FACTORIES}


def _depth(label: str, labels: set[str], seen: frozenset[str] = frozenset()) -> int:
    """How many links of FACTORIES models lie under this one (content -> phase -> exercise: 2)."""
    model = apps.get_model(label)
    best = 0
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey | models.OneToOneField) and field.concrete:
            target = field.related_model._meta.label_lower  # type: ignore[union-attr]
            if target in labels and target != label and target not in seen:
                best = max(best, 1 + _depth(target, labels, seen | {label}))
    return best


def _unique_field_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    sets = [tuple(fields) for fields in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    sets += [(f.attname,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    return sets


@contextmanager
def _reuse_on_conflict() -> Iterator[None]:
    """`objects.create` returns the existing row when a unique constraint says it exists.

    The factories are written one at a time (each makes the parents it needs); built together,
    two of them make the same parent (a force allocation of the same unit) and would collide.
    """
    original = models.QuerySet.create

    def create(self: models.QuerySet[Any], **kwargs: Any) -> Any:
        try:
            with transaction.atomic():
                return original(self, **kwargs)
        except IntegrityError:
            model = self.model
            names = {f.name: f.attname for f in model._meta.concrete_fields}
            values = {names.get(k, k): getattr(v, "pk", v) for k, v in kwargs.items()}
            for fields in _unique_field_sets(model):
                keys = [names.get(f, f) for f in fields]
                if all(k in values for k in keys):
                    found = self.filter(**{k: values[k] for k in keys}).first()
                    if found is not None:
                        return found
            raise

    models.QuerySet.create = create  # type: ignore[method-assign]
    try:
        yield
    finally:
        models.QuerySet.create = original  # type: ignore[method-assign]


def _lend_parents(obj: Any, objects: dict[str, Any]) -> None:
    """Record the parents of `obj` (and theirs) as the objects of their labels."""
    for field in obj._meta.get_fields():
        if isinstance(field, models.ForeignKey | models.OneToOneField) and field.concrete:
            target = field.related_model._meta.label_lower  # type: ignore[union-attr]
            # Users are not lent: a version's uploader is not "the user" of the user pages.
            if target not in objects and target not in EXTRA_FACTORIES:
                related = getattr(obj, field.name)
                if related is not None:
                    objects[target] = related
                    _lend_parents(related, objects)


def build_objects(world: World, fallback: dict[str, Any] | None = None) -> dict[str, Any]:
    """One object per label, all in alice's district (or in `world.exercise`).

    The deepest models are built first and lend their parents (a Content its Phase), so that two
    factories never make the same parent twice and trip a unique constraint. A second build (the
    classified world) takes from `fallback` what it cannot make twice.
    """
    factories = _factories()
    labels = set(factories)
    objects: dict[str, Any] = {}
    for label in sorted(labels, key=lambda item: (-_depth(item, labels), item)):
        if label in objects:
            continue
        try:
            with transaction.atomic(), _reuse_on_conflict():
                obj = factories[label](world)
        except IntegrityError as exc:
            if fallback is not None and label in fallback:
                objects[label] = fallback[label]
                continue
            raise AssertionError(
                f"the factory for {label} clashes with another one ({exc}); make it reuse the "
                "parent it needs from the world"
            ) from exc
        objects[label] = obj
        _lend_parents(obj, objects)
    return objects


def classified_world(world: World) -> World:
    """The world seen through its classified records: the secret exercise and unit."""
    return dataclasses.replace(world, exercise=world.secret_exercise, unit=world.secret_unit)


def _reaches(obj: Any, targets: set[tuple[str, int]], depth: int = 4) -> bool:
    if (obj._meta.label_lower, obj.pk) in targets:
        return True
    if depth == 0:
        return False
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.ForeignKey | models.OneToOneField):
            related = getattr(obj, field.name)
            if related is not None and _reaches(related, targets, depth - 1):
                return True
    return False


def classified_objects(world: World, objects: dict[str, Any]) -> dict[str, Any]:
    """The objects again, where a label can be made under the classified exercise or unit.

    A label whose object does not lie under either (a position, a membership) keeps the ordinary
    object: it is not classified, and its pages are not part of the clearance check.
    """
    secret = build_objects(classified_world(world), fallback=objects)
    targets = {
        (world.secret_exercise._meta.label_lower, world.secret_exercise.pk),
        (world.secret_unit._meta.label_lower, world.secret_unit.pk),
    }
    return {
        label: obj if _reaches(obj, targets) else objects[label] for label, obj in secret.items()
    }


def markers(objects: dict[str, Any]) -> set[str]:
    """Texts that identify alice's objects: an outsider's page must contain none of them."""
    found: set[str] = set()
    made = set(_factories())
    for label, obj in objects.items():
        # Lent parents may be shared catalogues (situation kinds), not alice's data.
        if label not in made:
            continue
        # Tokens; and the rating scales, a catalogue every signed-in user reads.
        if label in {
            "accounts.apitoken",
            "evaluation.ratingscale",
            "evaluation.scalelevel",
            "scenario.situationkind",
        }:
            continue
        for attr in ("code", "name", "title", "full_name", "username"):
            value = getattr(obj, attr, None)
            if isinstance(value, str) and len(value) >= 6:
                found.add(value)
    return found


def database_fingerprint() -> tuple[int, ...]:
    """Row counts of every kvpt model and its history: any write through a service moves one."""
    counted = []
    for model in apps.get_models():
        if model.__module__.startswith(("kvpt.", "simple_history")) and not model._meta.proxy:
            counted.append(model._default_manager.count())
    return tuple(counted)


# --- filling UI routes -------------------------------------------------------------------------


def _singular(segment: str) -> str:
    if segment == "people":
        return "person"
    if segment.endswith("ies"):
        return segment[:-3] + "y"
    if segment.endswith("s"):
        return segment[:-1]
    return segment


def _label_for(word: str, objects: dict[str, Any], context: str = "") -> str | None:
    """The label whose model name is `word` (or ends with it: `token` -> accounts.apitoken).

    Among several (`kind` -> documentkind, situationkind), the one named in `context` (the URL).
    """
    word = word.replace("_", "").replace("-", "").lower()
    if WORD_LABELS.get(word) in objects:
        return WORD_LABELS[word]
    exact = [label for label in objects if label.split(".")[1] == word]
    if exact:
        return exact[0]
    suffix = [label for label in objects if label.split(".")[1].endswith(word)]
    if not suffix:
        # `roster` -> forces.rosterentry, `weapon` -> forces.weaponissue
        suffix = [label for label in objects if label.split(".")[1].startswith(word)]
    if len(suffix) > 1 and context:
        segments = [_singular(w) for w in re.split(r"[/{}]+", context) if w]
        words = {w.replace("-", "") for w in segments} | {
            part for w in segments for part in w.split("-")
        }
        suffix = [label for label in suffix if label.split(".")[1].removesuffix(word) in words]
    return suffix[0] if len(suffix) == 1 else None


class RouteFiller:
    """Fills the parameters of UI routes from a set of objects."""

    def __init__(self, objects: dict[str, Any]) -> None:
        self.objects = objects
        self.prefixes: list[tuple[str, dict[str, Any]]] = []
        for obj in objects.values():
            if not hasattr(obj, "get_absolute_url"):
                continue
            match = resolve(obj.get_absolute_url().split("#")[0].split("?")[0])
            self.prefixes.append((match.route, dict(match.kwargs)))
        self.prefixes.sort(key=lambda item: -len(item[0]))

    def fill(self, route: Route) -> dict[str, Any] | str:
        """The URL kwargs, or a sentence saying which parameter could not be filled."""
        kwargs: dict[str, Any] = {}
        if route.name == "core:history":
            return {"label": "exercises.exercise", "pk": self.objects["exercises.exercise"].pk}
        for prefix, values in self.prefixes:
            if route.route.startswith(prefix):
                kwargs.update(values)
                break
        for name, _converter in route.params:
            if name in kwargs:
                continue
            if name in PARAM_ATTRIBUTES:
                owner, attribute = PARAM_ATTRIBUTES[name]
                kwargs[name] = getattr(self.objects[owner], attribute)
                continue
            if name in PARAM_CONSTANTS:
                kwargs[name] = PARAM_CONSTANTS[name]()
                continue
            label: str | None = None
            stem = re.sub(r"_(pk|id)$", "", name)
            if stem != name:
                label = _label_for(stem, self.objects)
            if label is None:
                before = route.route.split(f"<{_converter}:{name}>")[0].rstrip("/").split("/")
                label = _label_for(_singular(before[-1]), self.objects, route.route)
            if label is None:
                return (
                    f"cannot fill <{name}> of {route.route} ({route.name}): give the model a "
                    "get_absolute_url whose route is a prefix of this one, name the parameter "
                    "<model>_pk, or add a factory to FACTORIES in "
                    "kvpt/core/tests/test_permission_matrix.py (or EXTRA_FACTORIES, or "
                    "PARAM_ATTRIBUTES for a parameter that is not a key, in "
                    "kvpt/core/testing/matrix.py)"
                )
            kwargs[name] = self.objects[label].pk
        return kwargs


def api_param_label(name: str, objects: dict[str, Any], context: str = "") -> str | None:
    overrides = {"link_id": "organisations.areasuccession"}
    if name in overrides:
        return overrides[name]
    return _label_for(re.sub(r"_(pk|id)$", "", name), objects, context)


def api_param_value(name: str, objects: dict[str, Any], context: str = "") -> Any:
    """The value of an API path parameter (or a body field `<model>_id`), None when unknown."""
    if name in PARAM_ATTRIBUTES:
        owner, attribute = PARAM_ATTRIBUTES[name]
        return getattr(objects[owner], attribute)
    label = api_param_label(name, objects, context)
    return None if label is None else objects[label].pk


# --- request bodies from the OpenAPI schema ----------------------------------------------------


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        path = schema["$ref"].removeprefix("#/").split("/")
        node: Any = document
        for part in path:
            node = node[part]
        schema = node
    return schema


def example(schema: dict[str, Any], document: dict[str, Any], name: str = "") -> Any:
    """A small value valid for `schema`: required properties only, the least of each range."""
    schema = _resolve(schema, document)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o, document).get("type") != "null"]
            return example(options[0] if options else schema[key][0], document, name)
    if "allOf" in schema:
        return example(schema["allOf"][0], document, name)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {
            key: example(value, document, key)
            for key, value in schema.get("properties", {}).items()
            if key in required
        }
    if kind == "array":
        count = schema.get("minItems", 0)
        return [example(schema.get("items", {}), document, name) for _ in range(count)]
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return max(int(low), 1) if "maximum" not in schema else int(low)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "2023-08-20"
        if fmt == "date-time":
            return "2023-08-20T08:00:00+07:00"
        if fmt == "email":
            return "matrix@kvpt.example"
        if fmt == "binary":
            return b"matrix"
        if "password" in name:
            return "Dien-tap-kvpt-2025!"
        length = max(int(schema.get("minLength", 1)), 1)
        base = "Ma-THU-" if "code" in name else "Thử nghiệm "
        text = (base * (length // len(base) + 1))[: max(length, min(len(base), 32))]
        if "maxLength" in schema:
            text = text[: schema["maxLength"]]
        return text
    return None
