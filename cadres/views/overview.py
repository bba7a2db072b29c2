"""The front page of the section: the year's figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.params import parse_year

from .. import selectors
from .base import today


@login_required
def index(request):
    this_year = today().year
    year = parse_year(request.GET, default=this_year)
    user = request.user
    context = {
        "year": year,
        "years": range(this_year, this_year - 6, -1),
        "development": selectors.development_figures(user=user, year=year),
        "cadres": selectors.cadre_figures(user=user, year=year),
        "reserves": selectors.reserve_figures(user=user),
        "young": selectors.villages_missing_young_reserve(user=user, on=today()),
        "training": selectors.training_figures(user=user, year=year),
        "members": selectors.unit_counts(user=user),
    }
    return render(request, "cadres/index.html", context)
