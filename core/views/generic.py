"""Generic portal views, configured by class attributes (the idea of NetBox's `ObjectListView`/`ObjectEditView`,
written for this project's scoping and services).

Every view requires a login, reads through `accounts.scoping.restrict` (out of scope: 404), asks
`accounts.permissions` before a write (visible but not allowed: 403) and writes only through a service, whose
`ValidationError` lands on the form (`add_service_errors`) or in a message.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.permissions import CHANGE, require, require_at, units_for
from accounts.scoping import VIEW, restrict
from core.paginator import EstimatedCountPaginator

from .helpers import Column, add_service_errors, get_scoped_or_404, resolve, run_service

NOT_ALLOWED = _("You may view this record but not change it.")
NOT_CREATE = _("You may not add records of this kind.")


class PortalView(LoginRequiredMixin, TemplateView):
    """Shared attributes: `title`, and `breadcrumb` = (URL name, label) of the section's front page."""

    title: str | Promise = ""
    breadcrumb: tuple | None = None

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.get_title()
        if self.breadcrumb:
            context["breadcrumb"] = (reverse(self.breadcrumb[0]), self.breadcrumb[1])
        return context


class ObjectListView(PortalView):
    """A scoped, filtered, sortable, paginated list: a table on a desktop, cards on a phone (one template).

    - `queryset`: the base queryset (restricted to the user's VIEW scope); or override `get_queryset()`;
    - `filterset_class`: a django-filter FilterSet over the GET parameters (its form is drawn above the list);
    - `columns`: `Column`s; the first links to `detail_url` (a URL name taking the pk); a column's `sort` names
      the field `?sort=` may order by (`-` for descending); nothing else is accepted;
    - `actions`: (URL name, label[, URL args]) buttons; `search_hint`: the placeholder of a `q` filter;
    - `paginate_by` rows a page;
    - records kept in the portal by staff (stations, categories, titles): `edit_url` (a URL name taking the pk)
      instead of `detail_url`, linked from the rows the user may change — the row's unit path (`unit_path`, an
      accessor) inside `accounts.permissions.units_for(user, model, CHANGE)`, the same answer as `can()`, with no
      query per row —; `write_actions` are shown only to users who may change such records somewhere.
    """

    template_name = "core/object_list.html"
    queryset = None
    filterset_class = None
    columns: tuple[Column, ...] = ()
    detail_url: str | None = None
    actions: tuple = ()
    search_hint = ""
    paginate_by = 50
    edit_url: str | None = None
    unit_path = "unit.path"
    write_actions: tuple = ()

    def get_queryset(self):
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a queryset or get_queryset()")
        return restrict(self.queryset.all(), self.request.user, VIEW)

    def get_filterset(self, queryset):
        if self.filterset_class is None:
            return None
        return self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)

    def sort_keys(self) -> dict[str, str]:
        return {column.sort: column.sort for column in self.columns if column.sort}

    def apply_sort(self, queryset):
        sort = self.request.GET.get("sort", "")
        field = sort.removeprefix("-")
        if field and field in self.sort_keys():
            return queryset.order_by(sort, "pk"), sort
        return queryset, ""

    @cached_property
    def writable_paths(self) -> tuple[str, ...]:
        """Where the user may change records of the list's model (for `edit_url` and `write_actions`)."""
        return tuple(units_for(self.request.user, self.get_queryset().model, CHANGE))

    def get_actions(self):
        """`actions` entries: (URL name, label) or (URL name, label, args); `write_actions` for writers only."""
        actions = (*self.write_actions, *self.actions) if self.write_actions and self.writable_paths else self.actions
        return [(reverse(name, args=rest[0] if rest else ()), label) for name, label, *rest in actions]

    def row_url(self, obj) -> str:
        if self.edit_url:
            path = resolve(obj, self.unit_path)
            return reverse(self.edit_url, args=[obj.pk]) if path.startswith(self.writable_paths) else ""
        return reverse(self.detail_url, args=[obj.pk]) if self.detail_url else ""

    def row(self, obj):
        return self.row_url(obj), [(column.label, column.value(obj)) for column in self.columns]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = self.get_queryset()
        filterset = self.get_filterset(queryset)
        if filterset is not None:
            queryset = filterset.qs
        queryset, sort = self.apply_sort(queryset)
        page = EstimatedCountPaginator(queryset, self.paginate_by).get_page(self.request.GET.get("page"))
        params = {k: v for k, v in self.request.GET.items() if k not in ("page", "sort")}
        context.update(
            page=page,
            rows=[self.row(obj) for obj in page],
            columns=[(column.label, column.sort) for column in self.columns],
            filterset=filterset,
            sort=sort,
            actions=self.get_actions(),
            search_hint=self.search_hint,
            querystring=urlencode({**params, **({"sort": sort} if sort else {})}),
            filter_querystring=urlencode(params),
        )
        return context


class ObjectMixin:
    """The object named by the URL's `pk`, found in the user's scope for `object_action` (404 outside)."""

    queryset = None
    object_action = VIEW

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_scoped_or_404(
                self.queryset.all(), self.request.user, self.object_action, pk=self.kwargs["pk"]
            )
        return self._object


class ObjectDetailView(ObjectMixin, PortalView):
    """One record. `fields`: `Column`s drawn as label/value lines by `core/object_detail.html`; a page of its own
    sets `template_name` and adds to `get_context_data` (the object is `object` and `context_object_name`)."""

    template_name = "core/object_detail.html"
    fields: tuple[Column, ...] = ()
    context_object_name = "obj"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(
            object=obj,
            facts=[(column.label, column.value(obj)) for column in self.fields],
            **{self.context_object_name: obj},
        )
        return context


class ObjectFormView(PortalView):
    """Create (no `pk`) or edit (`queryset` and a `pk`) through a service.

    - `form_class`: given `user=` when `form_user` (its unit fields offer `accounts.permissions.units_queryset`);
    - `service`: called with `actor=` and `service_kwargs(form.cleaned_data)` (plus `edit_object_arg=obj` on edit);
    - edit asks `require(user, CHANGE, obj)` first (`check_permission` to change that) and fills the form with the
      object's attributes of the same names (`get_initial`);
    - `success_message`, `success_url` (a URL name taking the saved object's pk), `cancel_url` (URL name; on edit
      it takes the object's pk), or `list_url` (a list, for create and edit alike).
    """

    template_name = "core/object_form.html"
    http_method_names = ["get", "post"]
    form_class = None
    form_user = True
    service = None
    queryset = None
    edit_object_arg = "obj"
    success_message = ""
    success_url: str | None = None
    cancel_url: str | None = None
    list_url: str | None = None
    drop_fields: tuple[str, ...] = ()
    # On create: the model whose CHANGE the user's roles must hold somewhere (None: the service alone decides).
    create_model: type[models.Model] | None = None

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_object"):
            self._object = get_scoped_or_404(self.queryset.all(), self.request.user, pk=self.kwargs["pk"])
        return self._object

    def check_permission(self, obj):
        if obj is not None:
            require(self.request.user, CHANGE, obj, str(NOT_ALLOWED))
        elif self.create_model is not None and not units_for(self.request.user, self.create_model, CHANGE):
            # A create page for a user who may create such records nowhere (the list's write_actions, hidden from
            # them, ask the same): refused, not an empty form.
            raise PermissionDenied(str(NOT_CREATE))

    def get_initial(self, obj):
        """On edit, the form's fields as the object holds them (override for fields that are not attributes)."""
        if obj is None:
            return {}
        return {name: getattr(obj, name) for name in self.form_class.base_fields if hasattr(obj, name)}

    def get_form(self, obj):
        kwargs = {"initial": self.get_initial(obj)}
        if self.form_user:
            kwargs["user"] = self.request.user
        data = self.request.POST if self.request.method == "POST" else None
        return self.form_class(data, **kwargs)

    def service_kwargs(self, data: dict) -> dict:
        return {k: v for k, v in data.items() if k not in self.drop_fields}

    def call_service(self, obj, form):
        kwargs = self.service_kwargs(dict(form.cleaned_data))
        if obj is not None:
            kwargs[self.edit_object_arg] = obj
        return type(self).service(actor=self.request.user, **kwargs)

    def get_success_url(self, saved):
        return reverse(self.success_url, args=[saved.pk])

    def get_cancel_url(self, obj):
        if self.list_url:
            return reverse(self.list_url)
        return reverse(self.cancel_url, args=[obj.pk] if obj is not None else [])

    def render_form(self, obj, form):
        context = self.get_context_data(form=form, cancel=self.get_cancel_url(obj), object=obj)
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        form = self.get_form(obj)
        if form.is_valid():
            try:
                saved = self.call_service(obj, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(self.get_success_url(saved if saved is not None else obj))
        return self.render_form(obj, form)


class ObjectActionView(ObjectMixin, PortalView):
    """A POST that asks a service to do one thing to one record; GET shows a confirmation page.

    - `permission`: the action `accounts.permissions.require` checks on `permission_object(obj)` (403);
    - `form_class`: optional parameters (a date, a reason), shown on the confirmation page;
    - `perform(obj, data)`: call the service; `success_message` says what happened (may use `%(name)s` keys
      from `message_params(obj, result)`);
    - `redirect_url`: a URL name taking `redirect_pk(obj)`. A refusal because of the record's state or the input
      (a ValidationError: `core.errors.Conflict`, `Invalid`) is shown as an error message on that page; a refusal
      of the user (PermissionDenied, from the view's check or the service's) is the 403 page, and a record outside
      the user's scope is 404;
    - `get_form(obj)` / `form_data(form)` / `get_success_message(obj, result)` for forms that need more than the
      POST, or messages that need more than `%(name)s` keys.
    """

    template_name = "core/object_confirm.html"
    http_method_names = ["get", "post"]
    permission = CHANGE
    form_class = None
    success_message: str | Promise = ""
    question: str | Promise = ""
    redirect_url: str | None = None

    def permission_object(self, obj):
        return obj

    def check_permission(self, obj):
        require(self.request.user, self.permission, self.permission_object(obj), str(NOT_ALLOWED))

    def perform(self, obj, data: dict):
        raise NotImplementedError

    def message_params(self, obj, result) -> dict:
        return {}

    def redirect_pk(self, obj):
        return obj.pk

    def get_redirect(self, obj):
        return redirect(self.redirect_url, pk=self.redirect_pk(obj))

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        form = self.form_class() if self.form_class else None
        return self.render_to_response(
            self.get_context_data(object=obj, form=form, question=self.question, cancel=self.get_redirect(obj).url)
        )

    def get_form(self, obj):
        """The bound form of a POST (None without `form_class`)."""
        return self.form_class(self.request.POST) if self.form_class is not None else None

    def form_data(self, form) -> dict:
        """What `perform()` receives from a valid form."""
        return form.cleaned_data

    def get_success_message(self, obj, result) -> str:
        return str(self.success_message) % self.message_params(obj, result)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_permission(obj)
        data = {}
        form = self.get_form(obj)
        if form is not None:
            if not form.is_valid():
                messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
                return self.get_redirect(obj)
            data = self.form_data(form)
        # A refusal because of the record's state or the input is an error message (a PermissionDenied: 403).
        run_service(request, lambda: self.perform(obj, data), lambda result: self.get_success_message(obj, result))
        return self.get_redirect(obj)


def require_at_or_403(user, model, unit, action=CHANGE):
    """403 unless `user` may do `action` to a record of `model` at `unit` (one side of a record between units)."""
    require_at(user, action, model, unit, str(NOT_ALLOWED))
