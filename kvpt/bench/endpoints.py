"""What the benchmarks measure, enumerated by construction rather than listed by hand.

- every GET operation of the OpenAPI document (config.api), its path parameters filled;
- every named URL pattern of the URL configuration (the HTML pages), its parameters filled;
- the key pages of issue 7, found by URL name, or reported as missing.

A parameter is filled from the model it names: `exercise_id`, `<int:pk>` after `exercises/`,
`task_pk`, `line_id` (budget*line*) ... -> a row of that model that belongs to the exercise under
measurement (and to the objects named before it in the path). A parameter that names no model is
left unfilled and the endpoint is listed as skipped, with the reason: nothing is silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URL namespaces that are not pages of the app: the API (measured from its OpenAPI document),
# Django's admin, the language switch (POST only).
SKIPPED_NAMESPACES = ("api", "admin", "i18n", "djdt")
# Pages that would end the measuring session.
SKIPPED_NAMES = ("accounts:logout",)

# Issue 7's key pages: candidate URL names (regular expressions), the first that exists is measured.
KEY_PAGES: dict[str, tuple[str, ...]] = {
    "exercise dashboard": (
        r"^preparation:readiness$",
        r"^preparation:readiness\w*$",
        r"^exercises:dashboard$",
        r"^exercises:detail$",
    ),
    "task list": (r"^preparation:task_list$", r"^preparation:tasks?$"),
    "force table": (
        r"^forces:(force_)?table$",
        r"^forces:mobilisation$",
        r"^forces:\w*(table|allocation_list)\w*$",
    ),
    "MSEL timeline": (
        r"^scenario:msel_timeline$",
        r"^scenario:\w*(timeline|msel)\w*$",
        r"^scenario:inject_list$",
    ),
    "action tracker": (r"^review:\w*action\w*(tracker|list)\w*$", r"^review:tracker$"),
    "lessons search": (r"^review:\w*lesson\w*(search|list)?\w*$", r"^review:\w*search\w*$"),
}

IRREGULAR = {"people": "person", "persons": "person", "budget-lines": "budgetline"}
ALIASES = {"line": "budgetline", "member": "committeemember", "token": "apitoken"}


@dataclass
class Endpoint:
    """One GET to measure: a page or an API operation, with how its URL is built."""

    name: str  # "page exercises:detail" or "api GET /api/v1/exercises/{exercise_id}"
    kind: str  # "page" | "api-list" | "api-detail"
    template: str  # URL name or OpenAPI path
    params: list[str] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    exercise_scoped: bool = False
    url_kwargs_order: list[str] = field(default_factory=list)

    def with_query(self, suffix: str, **query: str) -> Endpoint:
        return Endpoint(
            name=f"{self.name} ?{suffix}",
            kind=self.kind,
            template=self.template,
            params=list(self.params),
            query=dict(query),
            exercise_scoped=self.exercise_scoped,
            url_kwargs_order=list(self.url_kwargs_order),
        )


@dataclass
class Skipped:
    name: str
    reason: str


# --- which model a parameter names ---------------------------------------------------------------


def _model_index() -> dict[str, type[models.Model]]:
    return {model._meta.model_name or "": model for model in apps.get_models()}


def singular(word: str) -> str:
    word = word.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    word = word.replace("-", "").replace("_", "")
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def model_for(word: str) -> type[models.Model] | None:
    """The model a path word names: exact model name, an alias, or a unique name ending."""
    index = _model_index()
    key = singular(word)
    key = ALIASES.get(key, key)
    if key in index:
        return index[key]
    current = {name: m for name, m in index.items() if not name.startswith("historical")}
    ending = [m for name, m in current.items() if name.endswith(key)]
    if len(ending) == 1:
        return ending[0]
    starting = [m for name, m in current.items() if name.startswith(key)]  # budget -> budgetline
    return starting[0] if len(starting) == 1 else None


def _exercise_model() -> type[models.Model]:
    return apps.get_model("exercises.Exercise")


def exercise_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its exercise ("exercise", "phase__exercise" ...), or None."""
    exercise = _exercise_model()
    if model is exercise:
        return "pk"
    fields = [f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey)]
    for f in fields:
        if f.related_model is exercise and f.name == "exercise":
            return "exercise"
    for f in fields:
        if f.related_model is exercise:
            return f.name
    for f in fields:
        related = f.related_model
        if isinstance(related, type) and issubclass(related, models.Model) and related is not model:
            for g in related._meta.get_fields():
                if isinstance(g, models.ForeignKey) and g.related_model is exercise:
                    return f"{f.name}__{g.name}"
    return None


@dataclass
class Subjects:
    """The rows the measured URLs point at: one exercise and the users around it."""

    exercise: Any
    user: Any  # for pages about a user (never a measuring user: some pages act on their target)
    area: Any

    def pick(self, model: type[models.Model], chosen: dict[type[models.Model], Any]) -> Any:
        """A row of `model` in this exercise, child of the rows chosen before it in the path."""
        if model is _exercise_model():
            return self.exercise
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        if model is user_model:
            return self.user
        qs = model._default_manager.all()
        for f in model._meta.get_fields():
            related: Any = f.related_model if isinstance(f, models.ForeignKey) else None
            if related in chosen:
                qs = qs.filter(**{f.name: chosen[related]})
        path = exercise_path(model)
        in_exercise = qs.filter(**{path: self.exercise}) if path else qs.none()
        # A membership may name an exercise or an area: fall back to the exercise's area.
        qs = in_exercise if in_exercise.exists() else self._near_area(model, qs)
        user_field = _user_field(model, user_model)
        if user_field:
            by_user = qs.filter(**{user_field: self.user})
            qs = by_user if by_user.exists() else qs
        return qs.order_by("pk").first()

    def _near_area(self, model: type[models.Model], qs: Any) -> Any:
        """A row placed in the exercise's area (directly, or through the row it hangs off)."""
        area_model = apps.get_model("organisations.Area")
        if model is area_model:
            return qs.filter(pk=self.area.pk)
        foreign_keys = [f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey)]
        for f in foreign_keys:
            if f.related_model is area_model:
                found = qs.filter(**{f.name: self.area})
                if found.exists():
                    return found
        for f in foreign_keys:
            related: Any = f.related_model
            for g in related._meta.get_fields():
                if isinstance(g, models.ForeignKey) and g.related_model is area_model:
                    found = qs.filter(**{f"{f.name}__{g.name}__path__startswith": self.area.path})
                    if found.exists():
                        return found
        return qs


def _user_field(model: type[models.Model], user_model: type[models.Model]) -> str | None:
    return next(
        (
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is user_model
        ),
        None,
    )


# --- the URL configuration -----------------------------------------------------------------------


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> list[tuple[str, str, URLPattern]]:
    found: list[tuple[str, str, URLPattern]] = []
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found.extend(_walk(entry.url_patterns, prefix + route, full_ns))
        elif isinstance(entry, URLPattern):
            found.append((prefix + route, namespace, entry))
    return found


PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def page_endpoints() -> tuple[list[Endpoint], list[Skipped]]:
    pages: list[Endpoint] = []
    skipped: list[Skipped] = []
    for route, namespace, pattern in _walk(get_resolver().url_patterns):
        top = namespace.split(":")[0]
        if top in SKIPPED_NAMESPACES or route.startswith(("admin/", "api/", "i18n/")):
            continue
        if not pattern.name:
            skipped.append(Skipped(f"page /{route}", "no URL name"))
            continue
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        if name in SKIPPED_NAMES:
            continue
        params = [m.group("name") for m in PARAM.finditer(route)]
        pages.append(
            Endpoint(
                name=f"page {name}",
                kind="page",
                template=name,
                params=params,
                url_kwargs_order=_param_words(route),
                exercise_scoped=False,
            )
        )
    return pages, skipped


def _param_words(route: str) -> list[str]:
    """For each parameter, the word that names its model: its own name, or the segment before it."""
    words = []
    previous = ""
    for segment in route.strip("/").split("/"):
        found = list(PARAM.finditer(segment))
        for match in found:
            name = match.group("name")
            words.append(name if name not in {"pk", "id"} else previous)
        if not found:
            previous = segment
    return words


# --- the OpenAPI document ------------------------------------------------------------------------


def api_endpoints() -> tuple[list[Endpoint], list[Skipped], dict[str, Any]]:
    from config.api import api

    schema = api.get_openapi_schema()
    found: list[Endpoint] = []
    for path, operations in schema["paths"].items():
        op = operations.get("get")
        if op is None:
            continue
        params = [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]
        query = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
        response = op.get("responses", {}).get(200) or op.get("responses", {}).get("200") or {}
        body = response.get("content", {}).get("application/json", {}).get("schema", {})
        is_list = "page" in query or body.get("type") == "array"
        endpoint = Endpoint(
            name=f"api GET {path}",
            kind="api-list" if is_list else "api-detail",
            template=path,
            params=params,
            url_kwargs_order=[re.sub(r"_(id|pk)$", "", p) for p in params],
        )
        endpoint.query = {"__has_q": "1"} if "q" in query else {}
        found.append(endpoint)
    return found, [], schema


# --- filling parameters --------------------------------------------------------------------------


class UnfillableError(Exception):
    pass


def fill(endpoint: Endpoint, subjects: Subjects) -> str:
    """The URL of `endpoint` for these subjects; UnfillableError names the parameter that failed."""
    chosen: dict[type[models.Model], Any] = {}
    values: dict[str, Any] = {}
    label_value: str | None = None
    for param, word in zip(endpoint.params, endpoint.url_kwargs_order, strict=True):
        if param == "label":
            # The history page: /history/<label>/<pk>/ -> the exercise's history.
            label_value = subjects.exercise._meta.label_lower
            values[param] = label_value
            continue
        if label_value is not None and param in {"pk", "id"}:
            values[param] = subjects.exercise.pk
            continue
        word = re.sub(r"_(id|pk)$", "", word) if word else ""
        model = model_for(word) if word else None
        if model is None:
            raise UnfillableError(f"parameter {param!r} names no model")
        row = subjects.pick(model, chosen)
        if row is None:
            raise UnfillableError(f"no {model._meta.label} row for {param!r}")
        chosen[model] = row
        values[param] = row.pk
    endpoint.exercise_scoped = any(exercise_path(type(row)) for row in chosen.values())
    if endpoint.kind == "page":
        url = reverse(endpoint.template, kwargs=values)
    else:
        url = endpoint.template
        for key, value in values.items():
            url = url.replace("{" + key + "}", str(value))
    query = {k: v for k, v in endpoint.query.items() if not k.startswith("__")}
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def key_pages(pages: list[Endpoint]) -> dict[str, str | None]:
    """Issue 7's key pages -> the URL name measured for each, or None when it does not exist yet."""
    names = [p.template for p in pages]
    found: dict[str, str | None] = {}
    for title, candidates in KEY_PAGES.items():
        found[title] = next(
            (n for pattern in candidates for n in names if re.match(pattern, n)), None
        )
    return found


def search_variants(endpoint: Endpoint, tiers: dict[str, list[dict[str, Any]]]) -> list[Endpoint]:
    """A list with a `q` filter is also measured with a frequent, a medium and a rare word."""
    variants = []
    for tier in ("frequent", "medium", "rare"):
        if tiers.get(tier):
            word = str(tiers[tier][0]["word"])
            variants.append(endpoint.with_query(f"q={tier}", q=word))
    return variants
