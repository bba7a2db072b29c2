"""The completeness page (/reports/completeness/): a form and a period chosen, the asked unit's children with
their counts and on-time and submission rates, a child's row drilling down, and the units still missing. Thin: the
selector counts (`reporting.selectors.completeness`), `get_scoped_or_404` finds the unit (outside: 404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import VIEW
from core.params import parse_date, parse_int
from core.views.helpers import get_scoped_or_404
from organizations.models import OrganizationUnit

from . import selectors

MISSING_SHOWN = 300


def asked_unit(user, pk: int | None):
    """The unit asked for (404 outside the user's scope), else the highest unit of the user's jurisdiction."""
    units = OrganizationUnit.objects.all()
    if pk is not None:
        return get_scoped_or_404(units, user, VIEW, pk=pk)
    unit = units.restrict(user).order_by("depth", "path").first()
    if unit is None:
        raise Http404
    return unit


def asked_form(user, pk: int | None):
    """The form asked for among those concerning the user's units (404 otherwise), else the first of them."""
    forms = selectors.forms_for(user).select_related("unit").order_by("name", "pk")
    if pk is None:
        return forms.first(), forms
    form = forms.filter(pk=pk).first()
    if form is None:
        raise Http404
    return form, forms


@login_required
def completeness(request):
    unit = asked_unit(request.user, parse_int(request.GET, "unit", min_value=1))
    form, forms = asked_form(request.user, parse_int(request.GET, "form", min_value=1))
    context = {"unit": unit, "forms": forms, "form": form}
    if form is not None:
        today = timezone.localdate()
        result = selectors.completeness(
            form=form,
            unit=unit,
            day=parse_date(request.GET, "period") or selectors.recent_periods(form, today, 1)[0][0],
        )
        periods = [
            (start, selectors.period_label(form.period_type, start))
            for start, _end in selectors.recent_periods(form, today)
        ]
        if result.period_start not in {start for start, _label in periods}:
            periods.insert(0, (result.period_start, result.label))
        missing = result.missing
        context.update(
            result=result,
            periods=periods,
            missing=missing[:MISSING_SHOWN],
            missing_more=max(0, len(missing) - MISSING_SHOWN),
            ancestors=list(OrganizationUnit.objects.restrict(request.user).ancestors_of(unit)),
        )
    return render(request, "reporting/completeness.html", context)
