"""Portal pages of the organization browser. Thin: scope, parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import CHANGE, can, can_at, require, require_at, units_queryset
from core.views import get_scoped_or_404, submit_form

from . import geo, selectors, services
from .forms import BoundaryImportForm, PartyOrganizationForm, UnitCreateForm, UnitForm, UnitMoveForm
from .models import ALLOWED_PARENTS, OrganizationUnit, UnitBoundary, UnitKind


def _unit_or_404(request, pk, action="view"):
    return get_scoped_or_404(
        OrganizationUnit.objects.select_related("parent", "party_org"), request.user, action, pk=pk
    )


@login_required
def browser(request):
    query = request.GET.get("q", "").strip()
    context = {
        "roots": selectors.scope_roots(user=request.user),
        "query": query,
        "results": selectors.units_search(user=request.user, query=query) if query else None,
    }
    return render(request, "organizations/browser.html", context)


@login_required
def tree_children(request, pk):
    unit = _unit_or_404(request, pk)
    children = selectors.unit_children(user=request.user, unit=unit)
    return render(request, "organizations/_tree_children.html", {"children": children})


@login_required
def unit_detail(request, pk):
    unit = _unit_or_404(request, pk)
    kind_counts = selectors.unit_kind_counts(unit=unit)
    can_change = can(request.user, CHANGE, unit)
    context = {
        "unit": unit,
        "party_org": getattr(unit, "party_org", None),
        "titles": unit.party_org.titles.all() if hasattr(unit, "party_org") else [],
        "children": selectors.unit_children(user=request.user, unit=unit),
        "breadcrumbs": selectors.unit_breadcrumbs(user=request.user, unit=unit),
        "kind_counts": [(UnitKind(kind).label, n) for kind, n in sorted(kind_counts.items())],
        "can_change": can_change,
        "can_import_boundaries": can_at(request.user, CHANGE, UnitBoundary, unit),
        "history": selectors.unit_history(user=request.user, unit=unit) if can_change else [],
        "child_kinds": [UnitKind(k) for k, parents in ALLOWED_PARENTS.items() if unit.kind in parents],
    }
    return render(request, "organizations/unit_detail.html", context)


def _sort_order_or_0(data):
    return {**data, "sort_order": data["sort_order"] or 0}


def _created(unit):
    return _("Unit “%(name)s” created.") % {"name": unit.name}


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, parent_pk):
    parent = _unit_or_404(request, parent_pk)
    require(request.user, CHANGE, parent, _("You may view this unit but not change it."))
    form = UnitCreateForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    done, unit = submit_form(request, form, services.unit_create, _created, prepare=_sort_order_or_0, parent=parent)
    if done:
        return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/unit_form.html", {"form": form, "parent": parent, "title": _("New unit")})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _unit_or_404(request, pk)
    require(request.user, CHANGE, unit, _("You may view this unit but not change it."))
    initial = {"name": unit.name, "code": unit.code, "kind": unit.kind, "sort_order": unit.sort_order}
    form = UnitForm(request.POST or None, initial=initial)
    if submit_form(request, form, services.unit_update, _("Changes saved."), prepare=_sort_order_or_0, unit=unit)[0]:
        return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/unit_form.html", {"form": form, "unit": unit, "title": _("Edit unit")})


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, pk):
    unit = _unit_or_404(request, pk)
    require(request.user, CHANGE, unit, _("You may view this unit but not change it."))
    candidates = (
        units_queryset(request.user, OrganizationUnit, CHANGE)
        .filter(kind__in=ALLOWED_PARENTS.get(unit.kind, ()))
        .exclude(path__startswith=unit.path)
        .order_by("path")
    )
    form = UnitMoveForm(request.POST or None, parent_queryset=candidates)
    moved = _("Unit moved with everything under it.")
    if submit_form(
        request, form, services.unit_move, moved, prepare=lambda data: {"new_parent": data["parent"]}, unit=unit
    )[0]:
        return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/unit_move.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_delete(request, pk):
    unit = _unit_or_404(request, pk)
    require(request.user, CHANGE, unit, _("You may view this unit but not change it."))
    error = None
    if request.method == "POST":
        parent_pk = unit.parent_id
        try:
            services.unit_delete(unit=unit, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Unit deleted."))
            return (
                redirect("organizations:unit_detail", pk=parent_pk) if parent_pk else redirect("organizations:browser")
            )
    return render(request, "organizations/unit_delete.html", {"unit": unit, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def party_org_edit(request, pk):
    unit = _unit_or_404(request, pk)
    require(request.user, CHANGE, unit, _("You may view this unit but not change it."))
    form = PartyOrganizationForm(request.POST or None, instance=unit.party_org)
    if submit_form(request, form, services.party_org_update, _("Changes saved."), party_org=unit.party_org)[0]:
        return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/party_org_form.html", {"form": form, "unit": unit})


def _imported(boundaries):
    return _("Boundaries of %(n)s units imported.") % {"n": len(boundaries)}


@login_required
@require_http_methods(["GET", "POST"])
def boundary_import(request, pk):
    """Upload a GeoJSON file of outlines for the unit and the units under it (services.boundaries_import)."""
    unit = _unit_or_404(request, pk)
    require_at(request.user, CHANGE, UnitBoundary, unit, _("You may view this unit but not change it."))
    form = BoundaryImportForm(request.POST or None, request.FILES or None)

    def prepare(data):
        upload = data["file"]
        return {"content": upload.read(geo.MAX_BYTES + 1), "name": upload.name}

    if submit_form(request, form, services.boundaries_import, _imported, prepare=prepare, unit=unit)[0]:
        return redirect("grid_woodpecker:unit_map", pk=unit.pk)
    return render(request, "organizations/boundary_import.html", {"form": form, "unit": unit})
