"""Figures read from the grid woodpeckers, counted at the clue's (or woodpecker's) grid and rolled up its tree.
Each function: (root unit, year) -> {unit path: Figure}, one grouped query."""

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid_woodpecker.models import Clue, ClueStatus, Rating, Woodpecker, WoodpeckerStatus

from ..indicators import EVERY_LEVEL, Aggregation, Measure, indicator
from .base import counts_by_path, ratio_by_path

SOURCE = "grid_woodpecker"
COUNT, SUM, PERCENT, RATIO = Measure.COUNT, Aggregation.SUM, Measure.PERCENT, Aggregation.RATIO


@indicator("woodpeckers", _("Grid woodpeckers"), Measure.PEOPLE, SUM, SOURCE, sort=48, levels=EVERY_LEVEL, base="grids")
def woodpeckers(root, year):
    """Active woodpeckers confirmed by 31 December of the year."""
    active = Woodpecker.objects.filter(status=WoodpeckerStatus.ACTIVE, confirmed_at__date__lte=date(year, 12, 31))
    return counts_by_path(active, "grid__path", root)


@indicator("clues_handled", _("Clues handled"), COUNT, SUM, SOURCE, sort=49, levels=EVERY_LEVEL, base="grids")
def clues_handled(root, year):
    """Clues whose handling was finished (resolved) during the year."""
    return counts_by_path(Clue.objects.filter(resolved_at__year=year), "grid__path", root)


@indicator("clue_closure_rate", _("Clue closure rate"), PERCENT, RATIO, SOURCE, sort=50, levels=EVERY_LEVEL)
def clue_closure_rate(root, year):
    """Of the clues accepted during the year, the share closed (the loop completed)."""
    accepted = Clue.objects.filter(accepted_at__year=year)
    return ratio_by_path(accepted, "grid__path", root, Q(status=ClueStatus.CLOSED))


@indicator("clue_satisfaction_rate", _("Clue satisfaction rate"), PERCENT, RATIO, SOURCE, sort=51, levels=EVERY_LEVEL)
def clue_satisfaction_rate(root, year):
    """Of the clues rated during the year, the share whose (latest) rating is satisfied."""
    rated = Clue.objects.filter(rated_at__year=year).exclude(rating="")
    return ratio_by_path(rated, "grid__path", root, Q(rating=Rating.SATISFIED))
