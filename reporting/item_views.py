"""The three lists' pages (三张清单): for a form, the units that fill it with the items each reports, and one unit's
item list as checkboxes of the form's fields (township or county staff change it; everybody in scope reads it).
Thin: `services.unit_items_set` / `unit_items_clear` do the work; the units are chosen from the user's scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, VIEW, can_at, units_for
from organizations.models import OrganizationUnit

from . import services
from .models import FormField, ReportForm, UnitItemList

UNITS_SHOWN = 1000


def _forms(user) -> list[ReportForm]:
    """The active published forms above or inside the units where the user may read item lists."""
    roots = units_for(user, UnitItemList, VIEW)
    forms = ReportForm.objects.filter(is_active=True, versions__published_at__isnull=False).select_related("unit")
    return [
        form
        for form in forms.distinct().order_by("unit__path", "code")
        if any(root.startswith(form.unit.path) or form.unit.path.startswith(root) for root in roots)
    ]


def _form(user, pk) -> ReportForm:
    for form in _forms(user):
        if form.pk == pk:
            return form
    raise Http404


def _units(user, form):
    """The units that fill `form` where the user may read item lists."""
    scope = Q(pk__in=[])
    for root in units_for(user, UnitItemList, VIEW):
        scope |= Q(path__startswith=root)
    units = OrganizationUnit.objects.filter(scope, path__startswith=form.unit.path)
    return units.filter(kind__in=form.filled_by) if form.filled_by else units


def _fields(form) -> list[FormField]:
    version = form.current_version()
    return list(FormField.objects.filter(version=version).select_related("section")) if version else []


@login_required
def index(request):
    return render(request, "reporting/items_index.html", {"forms": _forms(request.user)})


@login_required
def form_items(request, form_pk):
    """The units that fill the form, with the number of items each reports (all, without a list)."""
    form = _form(request.user, form_pk)
    total = len(_fields(form))
    units = list(_units(request.user, form).select_related("parent").order_by("path")[:UNITS_SHOWN])
    lists = dict(UnitItemList.objects.filter(form=form, unit__in=units).values_list("unit_id", "codes"))
    rows = [{"unit": unit, "count": len(lists[unit.pk]) if unit.pk in lists else None} for unit in units]
    context = {"form": form, "rows": rows, "total": total, "capped": len(units) == UNITS_SHOWN}
    return render(request, "reporting/form_items.html", context)


@login_required
def unit_items(request, form_pk, unit_pk):
    """One unit's item list: checkboxes of the form's fields by section; saved or cleared (every item) by staff."""
    form = _form(request.user, form_pk)
    unit = _units(request.user, form).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    may_change = can_at(request.user, CHANGE, UnitItemList, unit)
    fields = _fields(form)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("Only township or county staff may set a unit's item list."))
        try:
            if "all" in request.POST:
                services.unit_items_clear(form=form, unit=unit, actor=request.user)
            else:
                codes = request.POST.getlist("codes")
                services.unit_items_set(form=form, unit=unit, codes=codes, actor=request.user)
            messages.success(request, _("The item list is saved."))
            return redirect("reporting:unit_items", form_pk=form.pk, unit_pk=unit.pk)
        except ValidationError as exc:
            errors, status = exc.messages, 400
    listed = UnitItemList.objects.filter(form=form, unit=unit).values_list("codes", flat=True).first()
    chosen = set(listed) if listed is not None else {field.code for field in fields}
    rows, section = [], None
    for field in fields:
        rows.append(
            {
                "field": field,
                "checked": field.code in chosen,
                "section": field.section.title if field.section_id != section else None,
            }
        )
        section = field.section_id
    context = {
        "form": form,
        "unit": unit,
        "rows": rows,
        "has_list": listed is not None,
        "count": len(chosen),
        "may_change": may_change,
        "errors": errors,
    }
    return render(request, "reporting/unit_items.html", context, status=status)
