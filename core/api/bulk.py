"""The bulk exchange (docs/api.md "批量交换"): `/api/v1/bulk/<kind>/` for the yearly and periodic figures.

- `POST` with `{"rows": [{column key: value}, …], "dry_run": bool, "params": {…}, "update_existing": bool,
  "valid_only": bool, "confirm_warnings": bool}` (or `?dry_run=1`): the rows go through the kind's sheet importer
  (core/sheets/bulk.py: the same parsing, checks and row errors as the Excel upload). A dry run answers 200 with the
  report (counts, row errors, warnings) and writes nothing; an import is all or nothing (any row error: 400
  `rows_invalid`, nothing written), and audited as the sheet import is.
- `GET ?unit=<id or code>&year=|period=&format=json|csv`: the rows of the kind for a subtree and a year or period,
  with exactly the keys the import takes, streamed (JSON or CSV).

A kind is an import kind that declares itself bulk-capable (`Importer.bulk`: `income`, `report_<form id>`); an unknown
kind, or a form outside the caller's jurisdiction, is 404; a kind the caller's roles may not import is 403, as on the
sheet pages. Rows naming a unit outside the caller's jurisdiction are row errors (the importer's check).
"""

import csv
import json
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import VIEW, restrict
from core.api.scopes import ANY
from core.errors import ErrorCode, Invalid
from core.params import ID_MAX, BadParameter
from core.sheets import bulk
from organizations.models import OrganizationUnit

from .errors import error_body
from .parsers import BoundedJSONParser

FORMATS = ("json", "csv")
TRUE, FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
ROWS_PER_CHUNK = 500
EXAMPLE_KIND = "income"  # the examples' kind


class BulkRequestSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=bulk.MAX_ROWS,
        error_messages={"max_length": gettext_lazy("At most {max_length} rows per request: send the rest in another.")},
        help_text=format_lazy(
            gettext_lazy(
                "The rows, each an object by column key (the keys the export gives). A missing key is a blank cell. "
                "At most {n} rows."
            ),
            n=bulk.MAX_ROWS,
        ),
    )
    dry_run = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Check only: nothing is written; the counts say what an import would do.")
    )
    params = serializers.DictField(
        required=False,
        default=dict,
        help_text=gettext_lazy(
            "Values given once for every row that lacks them: `year` (income), `period` (a report form)."
        ),
    )
    update_existing = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Update a record that exists already (otherwise a differing one is a row error)."),
    )
    valid_only = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Write the valid rows and leave the others (default: all or nothing).")
    )
    confirm_warnings = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Confirm the warnings of the check (e.g. an income far from last year's)."),
    )


class BulkRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=gettext_lazy("The row's position in the request, counted from 1."))
    field = serializers.CharField(allow_blank=True, help_text=gettext_lazy("The column key; empty for the whole row."))
    column = serializers.CharField(help_text=gettext_lazy("The column's Chinese label."))
    message = serializers.CharField(help_text=gettext_lazy("What is wrong, in Chinese (the sheet import's message)."))
    code = serializers.CharField(
        help_text=gettext_lazy("`required`, `unknown_field`, `incorrect_type` or `row_invalid`.")
    )


class BulkCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=gettext_lazy("Rows in the request."))
    valid = serializers.IntegerField(help_text=gettext_lazy("Rows without errors."))
    invalid = serializers.IntegerField(help_text=gettext_lazy("Rows with errors."))
    created = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Records created (a dry run: that an import would create).")
    )
    updated = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Records changed (a dry run: that an import would change).")
    )
    unchanged = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Rows equal to the stored record (nothing to write).")
    )
    skipped = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("Rows left out: the rows with errors, and blank rows of a unit without a report."),
    )


class BulkResultSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("The import kind."))
    dry_run = serializers.BooleanField(help_text=gettext_lazy("Whether this was a dry run."))
    written = serializers.BooleanField(help_text=gettext_lazy("Whether rows were written."))
    job = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("The import job recorded for a write."))
    counts = BulkCountsSerializer(help_text=gettext_lazy("The counts of rows and of what was (or would be) written."))
    row_errors = BulkRowErrorSerializer(
        many=True,
        help_text=format_lazy(gettext_lazy("The rows' errors; at most {n} are listed."), n=bulk.MAX_LISTED_ERRORS),
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("To confirm with confirm_warnings.")
    )


# Built with type(), as drf-spectacular's inline_serializer does: a class statement cannot declare fields named
# `label` and `required` (Field's own attributes). One class, so that the schema has one BulkColumn component.
BulkColumnSerializer = type(
    "BulkColumn",
    (serializers.Serializer,),
    {
        "key": serializers.CharField(help_text=gettext_lazy("The column key, as rows give it.")),
        "label": serializers.CharField(help_text=gettext_lazy("The Chinese header of the sheet.")),
        "type": serializers.CharField(help_text=gettext_lazy("text, int, decimal, amount, date, choice or bool.")),
        "required": serializers.BooleanField(help_text=gettext_lazy("Whether every row must give it.")),
        "unit": serializers.CharField(
            allow_null=True, help_text=gettext_lazy("An amount's unit: yuan (元) or wan (万元).")
        ),
    },
)


def _columns_field():
    return BulkColumnSerializer(many=True, help_text=gettext_lazy("The columns, in the order of the sheet."))


class BulkExportSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("The import kind."))
    columns = _columns_field()
    rows = serializers.ListField(child=serializers.DictField(), help_text=gettext_lazy("Objects by column key."))


class BulkKindSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("The kind, the last part of /api/v1/bulk/<kind>/."))
    title = serializers.CharField(help_text=gettext_lazy("Its Chinese title (the sheet's)."))
    params = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("The column keys `params` may give once for every row."),
    )
    columns = _columns_field()


class BulkKindsSerializer(serializers.Serializer):
    kinds = BulkKindSerializer(many=True, help_text=gettext_lazy("The kinds the caller may import."))


INCOME_ROW = {
    "village_code": "VILA10001",
    "year": 2024,
    "total_income": "210000.50",
    "operating_income": "150000.00",
    "income_sources": "光伏发电、土地流转",
    "development_model": "industry",
    "assets": "1200000.00",
    "debt": "0.00",
}
KIND_PARAMETER = OpenApiParameter(
    "kind",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy(
        "An import kind that takes bulk rows: `income` (the villages' collective income) or `report_<form id>` (a "
        "report form's answers)."
    ),
    examples=[OpenApiExample("income", value=EXAMPLE_KIND)],
)


def _flag(request, name: str) -> bool:
    value = (request.query_params.get(name) or "").strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise BadParameter(name, _("Write 1 or 0."), code=ErrorCode.INVALID)


def _root(request):
    """`?unit=`: a unit by its code or its id, in the caller's view (404 otherwise), or None."""
    text = (request.query_params.get("unit") or "").strip()
    if not text:
        return None
    units = restrict(OrganizationUnit.objects.all(), request.user, VIEW)
    found = Q(code=text) | Q(code=text.upper()) if len(text) <= 64 else Q(pk__in=[])
    unit = units.filter(found).first()
    if unit is None and text.isdigit() and int(text) <= ID_MAX:
        unit = units.filter(pk=int(text)).first()
    if unit is None:
        raise exceptions.NotFound()
    return unit


def _params(importer, given: dict) -> dict:
    for key, value in given.items():
        if key not in importer.bulk_params:
            allowed = "、".join(importer.bulk_params) or "—"
            raise Invalid(
                _("%(key)s cannot be given in params here (allowed: %(allowed)s).")
                % {"key": str(key)[:60], "allowed": allowed},
                code=ErrorCode.UNKNOWN_FIELD,
                field="params",
            )
        if not isinstance(value, bulk.SCALARS):
            raise Invalid(
                _("A value must be text, a number, true/false or null."), code=ErrorCode.INCORRECT_TYPE, field="params"
            )
    return given


def _refused(outcome) -> Response:
    """400 in the API's error body: row errors by `rows.<index from 0>.<key>`, with the full report beside."""
    if outcome.refusal == ErrorCode.WARNINGS_UNCONFIRMED:
        detail = _("The check has warnings: confirm them (confirm_warnings) to import. Nothing was written.")
        by_key = {"confirm_warnings": [ErrorDetail(w, code=outcome.refusal) for w in outcome.warnings]}
    else:
        detail = _("%(n)d rows have errors: nothing was written.") % {"n": outcome.invalid}
        by_key = {}
        for error in outcome.row_errors[: bulk.MAX_LISTED_ERRORS]:
            key = f"rows.{error.row - 1}" + (f".{error.field}" if error.field else "")
            by_key.setdefault(key, []).append(ErrorDetail(error.message, code=error.code))
    body = error_body(detail, outcome.refusal, by_key)
    return Response({**outcome.as_dict(), **body}, status=status.HTTP_400_BAD_REQUEST)


def _columns(importer) -> list[dict]:
    units = bulk.column_units(importer.spec)
    return [
        {
            "key": column.key,
            "label": str(column.label),
            "type": column.type,
            "required": column.required,
            "unit": units.get(column.key),
        }
        for column in importer.spec.columns
    ]


def _json_chunks(kind: str, columns: list[dict], rows: Iterator[dict]) -> Iterator[bytes]:
    def dump(value):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)

    yield f'{{"kind": {dump(kind)}, "columns": {dump(columns)}, "rows": ['.encode()
    chunk, first = [], True
    for row in rows:
        chunk.append(("" if first else ",") + dump(row))
        first = False
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    yield ("".join(chunk) + "]}").encode()


class _Line:
    def write(self, text):
        return text


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_chunks(keys: list[str], rows: Iterator[dict]) -> Iterator[bytes]:
    """UTF-8 without BOM (a machine's file): the keys as the header, then the values as the JSON gives them."""
    writer = csv.writer(_Line())
    yield writer.writerow(keys).encode()
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([_csv_text(row.get(key)) for key in keys]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def _write_scope(kind: str) -> str:
    """The scope a system client needs to import `kind` (core.api.scopes)."""
    return "reports:write" if kind.startswith("report_") else "figures:write"


class BulkKindsView(APIView):
    """The bulk-capable kinds the caller may import, with their columns."""

    required_scopes = (ANY, None)  # any client lists; the kinds its token's scopes do not cover are left out

    @extend_schema(
        operation_id="bulk_kinds",
        tags=["bulk"],
        summary=gettext_lazy("List the kinds the caller may exchange in bulk"),
        description=gettext_lazy(
            "The import kinds that take bulk rows and that the caller may import: `income` when its role may "
            "record the villages' collective income, and `report_<form id>` for each active published report form "
            "of its jurisdiction that it may fill by import; for a system client, only the kinds its token's scopes "
            "allow (`figures:write`, `reports:write`). Each with its Chinese title, the keys `params` may give, and "
            "its columns (as the export gives them)."
        ),
        responses={
            200: OpenApiResponse(
                BulkKindsSerializer,
                examples=[
                    OpenApiExample(
                        "income",
                        value={
                            "kinds": [
                                {
                                    "kind": "income",
                                    "title": "村集体经济收入",
                                    "params": ["year"],
                                    "columns": [
                                        {
                                            "key": "village_code",
                                            "label": "村编码",
                                            "type": "text",
                                            "required": True,
                                            "unit": None,
                                        }
                                    ],
                                }
                            ]
                        },
                    )
                ],
            )
        },
    )
    def get(self, request):
        granted = getattr(getattr(request, "auth", None), "granted_scopes", None)

        def allowed(kind: str) -> bool:
            return granted is None or _write_scope(kind) in granted

        kinds = [
            {
                "kind": importer.spec.kind,
                "title": str(importer.spec.title),
                "params": list(importer.bulk_params),
                "columns": _columns(importer),
            }
            for importer in bulk.usable_importers(request.user, allowed=allowed)
        ]
        return Response({"kinds": kinds})


# The import's examples: two requests (an income dry run, a report's answers) and a dry run's answer.
IMPORT_EXAMPLES = [
    OpenApiExample("dry run", value={"rows": [INCOME_ROW], "dry_run": True}, request_only=True),
    OpenApiExample(
        "a report's answers",
        value={"rows": [{"unit_code": "VILA10001", "field_members": 35}], "params": {"period": "2024-05-01"}},
        request_only=True,
    ),
    OpenApiExample(
        "checked",
        value={
            "kind": "income",
            "dry_run": True,
            "written": False,
            "job": None,
            "counts": {
                "total": 2,
                "valid": 1,
                "invalid": 1,
                "created": 1,
                "updated": 0,
                "unchanged": 0,
                "skipped": 1,
            },
            "row_errors": [
                {
                    "row": 2,
                    "field": "village_code",
                    "column": "村编码",
                    "message": "您的管辖范围内没有编码为 VILB10001 的村。",
                    "code": "row_invalid",
                }
            ],
            "warnings": [],
        },
        response_only=True,
    ),
]


class BulkView(APIView):
    """The bulk exchange of one import kind: check or import rows as JSON, export them as JSON or CSV."""

    parser_classes = [BoundedJSONParser]

    @property
    def required_scopes(self) -> tuple[str | None, str | None]:
        """The system client's scopes by kind (core.api.scopes): a periodic report's answers under reports:write,
        the yearly figures (collective income) read under figures:read and written under figures:write."""
        if _write_scope(str(getattr(self, "kwargs", {}).get("kind", ""))) == "reports:write":
            return ("reports:write", "reports:write")
        return ("figures:read", "figures:write")

    def handle_exception(self, exc):
        if isinstance(exc, DjangoPermissionDenied):  # a role that may not import the kind: 403 permission_denied
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)

    def perform_content_negotiation(self, request, force=False):
        # `?format=csv` chooses the export's body below, not a renderer: every other answer (errors included) is JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        operation_id="bulk_export",
        tags=["bulk"],
        summary=gettext_lazy("Export a kind's rows for a subtree and a year or period"),
        description=gettext_lazy(
            "Rows with exactly the keys the import takes (the export → edit → import round trip), streamed. "
            "`income`: the approved incomes of `year` (default: the latest approved year). `report_<form id>`: the "
            "answers of the period containing `period` (required), a row per unit expected to fill the form, blank "
            "for a unit without a report. Units outside the caller's jurisdiction are never listed."
        ),
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter(
                "unit", str, description=gettext_lazy("The subtree: a unit's code or id (default: the jurisdiction).")
            ),
            OpenApiParameter("year", int, description=gettext_lazy("`income`: the year.")),
            OpenApiParameter(
                "period", OpenApiTypes.DATE, description=gettext_lazy("`report_<form id>`: any day of the period.")
            ),
            OpenApiParameter(
                "format",
                str,
                enum=FORMATS,
                description=gettext_lazy("json (default) or csv (UTF-8, keys as header)."),
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                BulkExportSerializer,
                examples=[
                    OpenApiExample(
                        "income",
                        value={
                            "kind": "income",
                            "columns": [
                                {
                                    "key": "village_code",
                                    "label": "村编码",
                                    "type": "text",
                                    "required": True,
                                    "unit": None,
                                },
                                {
                                    "key": "total_income",
                                    "label": "集体经济总收入",
                                    "type": "amount",
                                    "required": True,
                                    "unit": "yuan",
                                },
                            ],
                            "rows": [INCOME_ROW],
                        },
                    )
                ],
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=gettext_lazy("The same rows as CSV.")),
        },
    )
    def get(self, request, kind):
        fmt = (request.query_params.get("format") or "json").strip()
        if fmt not in FORMATS:
            raise BadParameter("format", _("Choose json or csv."), code=ErrorCode.INVALID_CHOICE)
        importer = bulk.exporter_for(kind, request.user)
        if importer is None:
            raise exceptions.NotFound()
        root = _root(request)
        rows = bulk.export_rows(importer, importer.bulk_export(request.user, root=root, query=request.query_params))
        if fmt == "csv":
            keys = [column.key for column in importer.spec.columns]
            response = StreamingHttpResponse(_csv_chunks(keys, rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{importer.spec.kind}.csv"'
            return response
        chunks = _json_chunks(importer.spec.kind, _columns(importer), rows)
        return StreamingHttpResponse(chunks, content_type="application/json")

    @extend_schema(
        operation_id="bulk_import",
        tags=["bulk"],
        summary=gettext_lazy("Check (dry run) or import rows of a kind"),
        description=gettext_lazy(
            "The rows go through the kind's sheet import: the same parsing, checks and Chinese row errors as an "
            "uploaded sheet. A dry run (`dry_run` or `?dry_run=1`) answers 200 with the counts (with created, "
            "updated, unchanged and skipped as an import of the valid rows would make them), row errors and "
            "warnings, and writes nothing. An import writes all rows in one transaction, or nothing: any row error "
            "answers 400 (code `rows_invalid`; `errors` by `rows.<index from 0>.<key>`, and `row_errors`, `counts`, "
            "`warnings` as in the 200 answer), unconfirmed warnings 400 (`warnings_unconfirmed`). A row naming a "
            "unit outside the caller's jurisdiction is a row error."
        ),
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter(
                "dry_run",
                str,
                enum=["0", "1"],
                description=gettext_lazy("1: check only (as `dry_run` in the body)."),
            ),
        ],
        request=BulkRequestSerializer,
        examples=IMPORT_EXAMPLES,
        responses={200: BulkResultSerializer},
    )
    def post(self, request, kind):
        importer = bulk.importer_for(kind, request.user)
        if importer is None:
            raise exceptions.NotFound()
        given = BulkRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        outcome = bulk.run(
            importer=importer,
            rows=data["rows"],
            params=_params(importer, data["params"]),
            actor=request.user,
            dry_run=data["dry_run"] or _flag(request, "dry_run"),
            update_existing=data["update_existing"],
            valid_only=data["valid_only"],
            confirm_warnings=data["confirm_warnings"],
        )
        if outcome.refusal:
            return _refused(outcome)
        return Response(outcome.as_dict())
