from rest_framework.pagination import CursorPagination, PageNumberPagination

from core.paginator import EstimatedCountPaginator


class KeysetPagination(CursorPagination):
    """Newest first by primary key: each page is one index range, whatever the size of the list."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class StandardPagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 500 rows a page with `page_size`.

    The count is exact up to `core.paginator.EXACT_LIMIT` rows and PostgreSQL's estimate beyond. A client that
    walks a big list asks for cursor pagination instead with `cursor=` (empty for the first page): the answer has
    `next` and `previous` links and no count (`KeysetPagination`).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = EstimatedCountPaginator
    cursor_query_param = "cursor"

    def _keyset(self, request):
        if request is not None and self.cursor_query_param in request.query_params:
            if not hasattr(self, "_keyset_paginator"):
                self._keyset_paginator = KeysetPagination()
            return self._keyset_paginator
        return None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        keyset = self._keyset(request)
        if keyset is not None:
            return keyset.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        keyset = self._keyset(getattr(self, "request", None))
        if keyset is not None:
            return keyset.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        # A cursor page has no count: the documented body allows both.
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = [name for name in paginated.get("required", []) if name != "count"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "Cursor pagination: empty for the first page, then the value in the `next` link.",
            "schema": {"type": "string"},
        }
        return [*parameters, cursor]
