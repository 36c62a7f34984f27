"""Export an exercise to the exchange format and import one back (docs/exchange/README.md).

Export walks kvpt.exchange.spec.MODELS in order; a reference to another record of the exercise is
that record's position in its list, a reference to anything else is its natural key (codes,
usernames). Import reads the file in full, checks it (format, version, schema, every reference,
duplicate code, the user's right and clearance) and writes nothing unless every check passed; the
writes happen in one transaction, each row saved with the importing user in its history.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kvpt.core.models import Classification
from kvpt.core.scope import get_scope
from kvpt.core.services import set_actor
from kvpt.exchange import crypto
from kvpt.exchange.spec import (
    BY_LABEL,
    EXERCISE,
    MODELS,
    NATURAL_KEYS,
    SOFT_KEYS,
    TARGET_FIELDS,
    TARGET_KINDS,
    ModelSpec,
)

FORMAT = "kvpt-exercise"
VERSION = 1
JSON_NAME = "exercise.json"
FILES_DIR = "files/"
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "docs" / "exchange" / "kvpt-exercise.schema.json"
)
# Keys of the document that describe this copy, not the exercise: not compared in a round trip.
LOCAL_KEYS = ("exported_at", "generator")
Plan = list[tuple[ModelSpec, list[dict[str, Any]], list[dict[str, Any]]]]


class ExchangeError(Exception):
    """A file that cannot be imported, with every problem found (nothing was written)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    """One finding about a file: where in the file (a JSON path) and what."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


@dataclass
class ImportReport:
    """What an import found and (unless a dry run or refused) did."""

    code: str = ""
    name: str = ""
    classification: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files_included: int = 0
    files_missing: int = 0
    exercise_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unmatched

    @property
    def problems(self) -> list[Problem]:
        return [*self.errors, *self.unmatched]

    @property
    def classification_label(self) -> str:
        return str(Classification(self.classification).label)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "classification": self.classification,
            "classification_label": self.classification_label,
            "counts": self.counts,
            "errors": [{"place": p.place, "message": p.message} for p in self.errors],
            "unmatched": [{"place": p.place, "message": p.message} for p in self.unmatched],
            "warnings": [{"place": p.place, "message": p.message} for p in self.warnings],
            "files_included": self.files_included,
            "files_missing": self.files_missing,
            "exercise_id": self.exercise_id,
        }


@dataclass
class ExportResult:
    content: bytes
    filename: str
    classification: int
    records: int
    files: int


# --- export --------------------------------------------------------------------------------------


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def _encode_scalar(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


class _Keys:
    """Natural keys of records outside the exercise, read once per record."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], Any] = {}

    def preload(self, label: str, pks: set[int]) -> None:
        """Read the keys of many records of one model at once (one query per 500 records)."""
        from django.apps import apps

        names = NATURAL_KEYS[label]
        missing = sorted(pk for pk in pks if (label, pk) not in self.cache)
        manager = apps.get_model(label)._default_manager
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for pk in chunk:
                self.cache[(label, pk)] = None  # a dangling id stays None, as key() gives
            for pk, *row in manager.filter(pk__in=chunk).values_list("pk", *names):
                self.cache[(label, pk)] = row[0] if len(names) == 1 else list(row)

    def key(self, label: str, pk: int) -> Any:
        if (label, pk) not in self.cache:
            self.preload(label, {pk})
        return self.cache[(label, pk)]


def _preload_keys(spec: ModelSpec, rows: list[Any], keys: _Keys) -> None:
    """Every outside record the rows name, read per model before encoding (no query per row)."""
    wanted: dict[str, set[int]] = {}
    for name in spec.fields:
        model_field = _field(spec.model, name)
        if not model_field.is_relation:
            continue
        label = model_field.related_model._meta.label
        if label in BY_LABEL:
            continue
        bucket = wanted.setdefault(label, set())
        for obj in rows:
            if model_field.many_to_many:
                bucket.update(related.pk for related in getattr(obj, name).all())
            elif (pk := getattr(obj, model_field.attname)) is not None:
                bucket.add(pk)
    if spec.label in TARGET_FIELDS:
        for obj in rows:
            label = TARGET_KINDS.get(obj.target_kind)
            if label is not None and label not in BY_LABEL and obj.target_id is not None:
                wanted.setdefault(label, set()).add(obj.target_id)
    for label, pks in wanted.items():
        keys.preload(label, pks)


def _rows(spec: ModelSpec, exercise: Any) -> list[Any]:
    queryset = spec.model._default_manager.filter(**{spec.exercise_path: exercise}).order_by("pk")
    m2m = [name for name in spec.fields if _field(spec.model, name).many_to_many]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    return list(queryset)


def _encode_row(
    spec: ModelSpec, obj: Any, positions: dict[str, dict[int, int]], keys: _Keys
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in spec.fields:
        model_field = _field(spec.model, name)
        if model_field.many_to_many:
            label = model_field.related_model._meta.label
            pks = [related.pk for related in getattr(obj, name).all()]
            if label in BY_LABEL:
                out[name] = sorted(positions[label][pk] for pk in pks)
            else:
                out[name] = sorted((keys.key(label, pk) for pk in pks), key=json.dumps)
            continue
        if model_field.is_relation:
            label = model_field.related_model._meta.label
            pk = getattr(obj, model_field.attname)
            if pk is None:
                out[name] = None
            elif label in BY_LABEL:
                out[name] = positions[label][pk]
            else:
                out[name] = keys.key(label, pk)
            continue
        if name == "target_id" and spec.label in TARGET_FIELDS:
            out[name] = _encode_target(obj.target_kind, obj.target_id, positions, keys)
            continue
        out[name] = _encode_scalar(getattr(obj, model_field.attname))
    return out


def _encode_target(
    kind: str, target_id: int, positions: dict[str, dict[int, int]], keys: _Keys
) -> Any:
    label = TARGET_KINDS.get(kind)
    if label is None:  # the exercise itself
        return None
    if label in BY_LABEL:
        return positions[label].get(target_id)
    return keys.key(label, target_id)


def _marking(value: dict[str, Any]) -> int:
    return max(
        [int(v) for k, v in value.items() if k.endswith("classification") and v is not None] or [0]
    )


def build_document(exercise: Any) -> tuple[dict[str, Any], list[Any]]:
    """The exchange document of `exercise` and the stored files its records name."""
    keys = _Keys()
    positions: dict[str, dict[int, int]] = {}
    exercise_row = _encode_row(EXERCISE, exercise, positions, keys)
    records: dict[str, dict[str, list[dict[str, Any]]]] = {}
    marking = _marking(exercise_row)
    files: list[Any] = []
    for spec in MODELS:
        rows = _rows(spec, exercise)
        positions[spec.label] = {obj.pk: i for i, obj in enumerate(rows)}
        _preload_keys(spec, rows, keys)
        encoded = [_encode_row(spec, obj, positions, keys) for obj in rows]
        for row in encoded:
            marking = max(marking, _marking(row))
        if spec.file_field:
            files.extend(getattr(obj, spec.file_field) for obj in rows)
        records.setdefault(spec.app, {})[spec.name] = encoded
    document = {
        "format": FORMAT,
        "version": VERSION,
        "classification": {"level": marking, "label": str(Classification(marking).label)},
        "generator": "kvpt",
        "exported_at": _encode_scalar(timezone.now().replace(microsecond=0)),
        "exercise": exercise_row,
        "records": records,
    }
    return document, files


def serialise(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


def can_export(user: Any, exercise: Any) -> bool:
    """Anyone who sees the exercise and is cleared for all of it (checked on the content)."""
    scope = get_scope(user)
    return bool(scope.is_superuser or scope.roles_on_exercise(exercise.pk, exercise.area.path))


def export_exercise(
    exercise: Any,
    *,
    actor: Any,
    passphrase: str | None = None,
    with_files: bool = False,
    log2_n: int = crypto.DEFAULT_LOG2_N,
) -> ExportResult:
    """The file for `exercise`: JSON, or a zip with the files, encrypted when a passphrase is given.

    Refused (PermissionDenied) when some record is classified above the actor's clearance: an
    export is the whole exercise or nothing. Logged in the access log under the actor.
    """
    document, files = build_document(exercise)
    marking = document["classification"]["level"]
    clearance = getattr(actor, "clearance", Classification.TOP_SECRET)
    if not getattr(actor, "is_superuser", False) and marking > clearance:
        raise PermissionDenied(
            _(
                "Cuộc diễn tập có hồ sơ độ mật “%(level)s”, cao hơn độ mật bạn được xem: không "
                "thể xuất toàn bộ."
            )
            % {"level": Classification(marking).label}
        )
    payload = serialise(document)
    name = f"{exercise.code}.kvpt.json"
    included = 0
    if with_files:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(JSON_NAME, payload)
            seen: set[str] = set()
            for stored in files:
                digest = _file_digest(stored)
                if not stored or digest in seen:
                    continue
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(FILES_DIR + digest, handle.read())
                except OSError:
                    continue
                seen.add(digest)
            included = len(seen)
        payload, name = buffer.getvalue(), f"{exercise.code}.kvpt.zip"
    if passphrase:
        payload = crypto.protect(
            payload, passphrase, purpose=crypto.PURPOSE_EXERCISE, marking=marking, log2_n=log2_n
        )
        name += ".enc"
    _log_export(actor, exercise, marking)
    records = sum(len(rows) for app in document["records"].values() for rows in app.values())
    return ExportResult(payload, name, marking, records + 1, included)


def _file_digest(stored: Any) -> str:
    return str(getattr(stored.instance, "sha256", "") or "")


def _log_export(actor: Any, exercise: Any, marking: int) -> None:
    if not getattr(actor, "pk", None):  # the CLI's system reader logs nothing
        return
    from kvpt.core.models import AccessLog

    AccessLog.objects.create(
        user=actor,
        action=AccessLog.Action.EXPORT,
        model=exercise._meta.label,
        object_id=str(exercise.pk),
        object_repr=str(exercise)[:255],
        classification=marking,
    )


# --- reading a file ------------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def json_path(parts: Any) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read_file(
    data: bytes, passphrase: str | None = None
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The document and the files a file carries, or ExchangeError naming the place."""
    if crypto.is_protected(data):
        try:
            data = crypto.unprotect(data, passphrase, purpose=crypto.PURPOSE_EXERCISE)
        except crypto.ProtectionError as exc:
            raise ExchangeError([Problem("", str(exc))]) from exc
    files: dict[str, bytes] = {}
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = archive.read(JSON_NAME)
                for info in archive.infolist():
                    if info.filename.startswith(FILES_DIR) and not info.is_dir():
                        files[info.filename[len(FILES_DIR) :]] = archive.read(info)
        except (zipfile.BadZipFile, KeyError, EOFError) as exc:
            raise ExchangeError(
                [
                    Problem(
                        "",
                        _("Tệp nén bị hỏng, bị cắt cụt hoặc thiếu %(name)s.") % {"name": JSON_NAME},
                    )
                ]
            ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.end < len(data) - 3:
            raise ExchangeError([Problem("", _("Tệp không phải văn bản UTF-8 (JSON)."))]) from exc
        text = data[: exc.start].decode("utf-8")  # cut inside a character: truncated
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExchangeError(
            [
                Problem(
                    _("dòng %(line)s, cột %(col)s") % {"line": exc.lineno, "col": exc.colno},
                    _("Tệp JSON bị cắt cụt hoặc sai cú pháp (%(msg)s).") % {"msg": exc.msg},
                )
            ]
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExchangeError(
            [Problem("format", _("Đây không phải tệp trao đổi cuộc diễn tập KVPT."))]
        )
    version = document.get("version")
    if isinstance(version, int) and version > VERSION:
        raise ExchangeError(
            [
                Problem(
                    "version",
                    _(
                        "Tệp dùng định dạng phiên bản %(found)s, mới hơn phiên bản %(known)s mà "
                        "bản cài đặt này đọc được: hãy nâng cấp phần mềm trước khi nhập."
                    )
                    % {"found": version, "known": VERSION},
                )
            ]
        )
    _validate_schema(document)
    return document, files


def _validate_schema(document: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    problems = [
        Problem(
            json_path(error.absolute_path) or "(gốc)",
            _("Không đúng lược đồ: %(msg)s") % {"msg": error.message},
        )
        for error in sorted(
            validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
        )
    ]
    if problems:
        raise ExchangeError(problems[:200])


# --- resolving references ------------------------------------------------------------------------


class _Resolver:
    """Looks up natural keys in this installation and records what does not match."""

    def __init__(self, report: ImportReport, actor: Any) -> None:
        self.report = report
        self.actor = actor
        self.cache: dict[tuple[str, str], int | None] = {}

    def external(self, label: str, key: Any, place: str) -> int | None:
        from django.apps import apps

        names = NATURAL_KEYS[label]
        values = [key] if len(names) == 1 else list(key)
        cache_key = (label, json.dumps(values, ensure_ascii=False))
        if cache_key not in self.cache:
            lookup = dict(zip(names, values, strict=True))
            row = apps.get_model(label)._default_manager.filter(**lookup).values_list("pk").first()
            self.cache[cache_key] = row[0] if row else None
        pk = self.cache[cache_key]
        if pk is None:
            model = apps.get_model(label)
            shown = " / ".join(str(v) for v in values)
            if label in SOFT_KEYS:
                self.report.warnings.append(
                    Problem(
                        place,
                        _("Không có tài khoản “%(key)s”: ghi thay bằng tài khoản người nhập.")
                        % {"key": shown},
                    )
                )
                return int(self.actor.pk) if getattr(self.actor, "pk", None) else None
            self.report.unmatched.append(
                Problem(
                    place,
                    _("Không tìm thấy %(what)s mã “%(key)s” trong bản cài đặt này.")
                    % {"what": model._meta.verbose_name, "key": shown},
                )
            )
        return pk


def _decode_scalar(model_field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return value
    return model_field.to_python(value)


def _plan(document: dict[str, Any], report: ImportReport, actor: Any) -> Plan:
    """Decode every record into field values; problems go to the report."""
    resolver = _Resolver(report, actor)
    counts = {
        spec.label: len(document["records"].get(spec.app, {}).get(spec.name, [])) for spec in MODELS
    }
    root = _decode(EXERCISE, document["exercise"], "exercise", resolver, counts, report)
    plan: Plan = [(EXERCISE, [document["exercise"]], [root])]
    for spec in MODELS:
        rows = document["records"].get(spec.app, {}).get(spec.name, [])
        base = f"records.{spec.app}.{spec.name}"
        decoded = [
            _decode(spec, row, f"{base}[{i}]", resolver, counts, report)
            for i, row in enumerate(rows)
        ]
        plan.append((spec, rows, decoded))
    return plan


def _decode(
    spec: ModelSpec,
    row: dict[str, Any],
    place: str,
    resolver: _Resolver,
    counts: dict[str, int],
    report: ImportReport,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in spec.fields:
        model_field = _field(spec.model, name)
        value = row.get(name)
        here = f"{place}.{name}"
        if model_field.is_relation:
            label = model_field.related_model._meta.label
            many = model_field.many_to_many
            items = value if many else [value]
            resolved: list[Any] = []
            for i, item in enumerate(items or []):
                where = f"{here}[{i}]" if many else here
                if item is None:
                    resolved.append(None)
                elif label in BY_LABEL:
                    if not isinstance(item, int) or not 0 <= item < counts[label]:
                        report.errors.append(
                            Problem(
                                where,
                                _(
                                    "Tham chiếu tới bản ghi số %(n)s của %(model)s, không có "
                                    "trong tệp."
                                )
                                % {"n": item, "model": label},
                            )
                        )
                    resolved.append(("ref", label, item))
                else:
                    resolved.append(resolver.external(label, item, where))
            values[name] = resolved if many else resolved[0] if resolved else None
        elif name == "target_id" and spec.label in TARGET_FIELDS:
            kind = row.get("target_kind")
            target_label = TARGET_KINDS.get(str(kind))
            if target_label is None:
                values[name] = ("exercise",)
            elif value is None:
                report.errors.append(Problem(here, _("Thiếu đối tượng được đánh giá.")))
            elif target_label in BY_LABEL:
                if not isinstance(value, int) or not 0 <= value < counts[target_label]:
                    report.errors.append(
                        Problem(here, _("Đối tượng được đánh giá không có trong tệp."))
                    )
                values[name] = ("ref", target_label, value)
            else:
                values[name] = resolver.external(target_label, value, here)
        else:
            try:
                values[name] = _decode_scalar(model_field, value)
            except ValidationError as exc:
                report.errors.append(Problem(here, "; ".join(exc.messages)))
    return values


# --- import --------------------------------------------------------------------------------------


def import_exercise(
    data: bytes, *, actor: Any, passphrase: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Check the file and, unless `dry_run` or a problem was found, create the exercise from it.

    Raises ExchangeError (with every problem and its place) when nothing can be imported; a dry
    run returns the report with the problems instead.
    """
    report = ImportReport()
    try:
        document, files = read_file(data, passphrase)
    except ExchangeError as exc:
        if dry_run:
            report.errors.extend(exc.problems)
            return report
        raise
    exercise_row = document["exercise"]
    report.code, report.name = exercise_row["code"], exercise_row["name"]
    report.classification = int(document["classification"]["level"])
    plan = _plan(document, report, actor)
    for spec, rows, _decoded in plan[1:]:
        report.counts[spec.label] = len(rows)
    _check_exercise(plan[0][2][0], report, actor)
    for spec, rows, _decoded in plan:
        if spec.file_field:
            for row in rows:
                if row.get("sha256") in files:
                    report.files_included += 1
                else:
                    report.files_missing += 1
    if dry_run:
        return report
    if not report.ok:
        raise ExchangeError(report.problems)
    with transaction.atomic():
        report.exercise_id = _write(plan, files, actor)
    return report


def _check_exercise(values: dict[str, Any], report: ImportReport, actor: Any) -> None:
    from kvpt.exercises.models import Exercise
    from kvpt.organisations.models import Area

    if Exercise.objects.filter(code=values["code"]).exists():
        report.errors.append(
            Problem(
                "exercise.code",
                _("Đã có cuộc diễn tập mã “%(code)s” trong bản cài đặt này: không nhập trùng.")
                % {"code": values["code"]},
            )
        )
    area_pk = values.get("area")
    area = Area.objects.filter(pk=area_pk).first() if isinstance(area_pk, int) else None
    if area is not None and not actor.has_perm("exercises.add_exercise", area):
        report.errors.append(
            Problem(
                "exercise.area",
                _("Bạn không có quyền tạo cuộc diễn tập ở địa bàn “%(area)s”.") % {"area": area},
            )
        )
    clearance = getattr(actor, "clearance", Classification.TOP_SECRET)
    if not getattr(actor, "is_superuser", False) and report.classification > clearance:
        report.errors.append(
            Problem(
                "classification",
                _("Nội dung có độ mật “%(level)s”, cao hơn độ mật của bạn.")
                % {"level": Classification(report.classification).label},
            )
        )


AUTO_TIME = (models.DateTimeField, models.DateField)


def _write(plan: Plan, files: dict[str, bytes], actor: Any) -> int:
    created: dict[str, list[int]] = {}
    exercise_id = 0
    reason = _("Nhập từ tệp trao đổi")
    for spec, _rows, decoded in plan:
        model = spec.model
        created[spec.label] = []
        base = "exercise" if spec is EXERCISE else f"records.{spec.app}.{spec.name}"
        pending: list[tuple[Any, dict[str, Any]]] = []
        for i, values in enumerate(decoded):
            place = base if spec is EXERCISE else f"{base}[{i}]"
            simple: dict[str, Any] = {}
            many: dict[str, Any] = {}
            stamped: dict[str, Any] = {}
            for name, value in values.items():
                model_field = _field(model, name)
                if model_field.many_to_many:
                    many[name] = value  # linked once every row of the model exists
                    continue
                value = _link(value, created, exercise_id)
                if model_field.is_relation:
                    simple[model_field.attname] = value
                else:
                    simple[name] = value
                    if getattr(model_field, "auto_now_add", False) or getattr(
                        model_field, "auto_now", False
                    ):
                        stamped[name] = value
            if spec.exercise_path == "exercise":
                simple["exercise_id"] = exercise_id
            obj = model(**simple)
            if spec.file_field:
                content = files.get(str(values.get("sha256") or ""))
                if content is not None:
                    getattr(obj, spec.file_field).save(
                        values.get("filename") or "file", ContentFile(content), save=False
                    )
            set_actor(obj, actor)
            obj._change_reason = reason  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    obj.save()
            except (IntegrityError, DatabaseError) as exc:
                raise ExchangeError(
                    [Problem(place, _("Cơ sở dữ liệu từ chối bản ghi: %(msg)s") % {"msg": exc})]
                ) from exc
            if stamped:
                model._default_manager.filter(pk=obj.pk).update(**stamped)
            created[spec.label].append(obj.pk)
            pending.append((obj, many))
            if spec is EXERCISE:
                exercise_id = obj.pk
        for obj, many in pending:
            for name, value in many.items():
                linked = _link(value, created, exercise_id)
                getattr(obj, name).set([pk for pk in linked if pk is not None])
    return exercise_id


def _link(value: Any, created: dict[str, list[int]], exercise_id: int) -> Any:
    if isinstance(value, tuple):
        if value[0] == "exercise":
            return exercise_id
        return created[value[1]][value[2]]
    if isinstance(value, list):
        return [_link(v, created, exercise_id) for v in value]
    return value


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The document without what describes this copy only (for round-trip comparisons)."""
    return {k: v for k, v in document.items() if k not in LOCAL_KEYS}
