import base64
import binascii

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.api.filters import SYNC_FIELD, is_sync
from core.errors import ErrorCode
from core.paginator import EstimatedCountPaginator

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class KeysetPagination(CursorPagination):
    """Newest first by primary key: each page is one index range, whatever the size of the list."""

    ordering = "-pk"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class SyncPagination(BasePagination):
    """The pages of an incremental sync (`updated_since`): a keyset on (`updated_at`, `id`), ascending.

    Each page is one range of the `updated_at` index whatever its depth (no OFFSET, no count), and rows sharing a
    timestamp (a bulk update) are split by `id`, not by an offset as DRF's CursorPagination would. The cursor is the
    last row's pair, opaque to clients: they follow `next` until it is null, and keep the largest `updated_at` they
    saw for the next sync.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    sync_field = SYNC_FIELD

    def _page_size(self, request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, PAGE_SIZE))
        except (TypeError, ValueError):
            return PAGE_SIZE
        return min(max(size, 1), MAX_PAGE_SIZE)

    @staticmethod
    def encode(updated_at, pk) -> str:
        return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{pk}".encode()).decode().rstrip("=")

    def decode(self, raw: str):
        try:
            text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
            stamp, key = text.split("|")
            updated_at, pk = parse_datetime(stamp), int(key)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            updated_at, pk = None, 0
        if updated_at is None or updated_at.tzinfo is None:
            message = ErrorDetail(_("The cursor is not valid."), code=ErrorCode.INVALID_CURSOR)
            raise exceptions.ValidationError({self.cursor_query_param: [message]}, code=ErrorCode.INVALID_CURSOR)
        return updated_at, pk

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self._page_size(request)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            stamp, pk = self.decode(raw)
            after = Q(**{f"{self.sync_field}__gt": stamp}) | Q(pk__gt=pk)
            queryset = queryset.filter(Q(**{f"{self.sync_field}__gte": stamp}) & after)
        rows = list(queryset.order_by(self.sync_field, "pk")[: size + 1])
        self.next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            self.next_cursor = self.encode(getattr(rows[-1], self.sync_field), rows[-1].pk)
        return rows

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": None, "results": data})


class StandardPagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 500 rows a page with `page_size`.

    The count is exact up to `core.paginator.EXACT_LIMIT` rows and PostgreSQL's estimate beyond. A client that
    walks a big list asks for cursor pagination instead with `cursor=` (empty for the first page): the answer has
    `next` and `previous` links and no count (`KeysetPagination`). A sync (`updated_since`, core/api/filters.py)
    is always paged by `SyncPagination`, a keyset on (`updated_at`, `id`).
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = EstimatedCountPaginator
    cursor_query_param = "cursor"
    _delegate: BasePagination | None = None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        if is_sync(request, view, queryset):
            self._delegate = SyncPagination()
        elif self.cursor_query_param in request.query_params:
            self._delegate = KeysetPagination()
        if self._delegate is not None:
            return self._delegate.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self._delegate is not None:
            return self._delegate.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        # A cursor page has no count: the documented body allows both.
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = [name for name in paginated.get("required", []) if name != "count"]
        described = {
            "count": _("Rows in the whole list (exact up to a limit, then an estimate; absent on cursor pages)."),
            "next": _("The next page's link, null on the last page."),
            "previous": _("The previous page's link, null on the first page."),
            "results": _("The rows of this page."),
        }
        for name, description in described.items():
            # `results` is drf-spectacular's placeholder object (not a dict) when it builds a list's example page.
            if isinstance(paginated["properties"].get(name), dict):
                paginated["properties"][name]["description"] = description
        paginated["properties"]["next"]["example"] = (
            "https://dangjian.example.gov.cn/api/v1/organizations/units/?page=4"
        )
        paginated["properties"]["previous"]["example"] = (
            "https://dangjian.example.gov.cn/api/v1/organizations/units/?page=2"
        )
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": _(
                "Cursor pagination: empty for the first page, then the value in the `next` link (with "
                "`updated_since` the pages are always a cursor on (updated_at, id))."
            ),
            "schema": {"type": "string"},
        }
        return [*parameters, cursor]
