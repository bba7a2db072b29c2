from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.context_processors import menu_for
from organizations.selectors import scope_roots


@login_required
def home(request):
    """Each role lands on its own work: the menu entries for its roles and the units of its jurisdiction."""
    assignments = request.user.role_assignments.select_related("unit").order_by("unit__path")
    context = {
        "assignments": assignments,
        "roots": scope_roots(user=request.user),
        "work": [item for item in menu_for(request.user)],
    }
    return render(request, "home.html", context)
