"""Portal view helpers and the generic views apps configure with class attributes.

- `get_scoped_or_404` (404 outside the jurisdiction) and `add_service_errors` (a service's ValidationError on a
  form) are what every view uses; `submit_form` (a form page's POST) and `run_service` (an action button's POST:
  the service's refusal as an error message) are the POST halves of views written as functions;
- `core.views.generic` holds `ObjectListView`, `ObjectDetailView`, `ObjectFormView`, `ObjectActionView` and
  `SheetImportView` (see docs/architecture.md "Generic portal views").
"""

from .helpers import Column, add_service_errors, get_scoped_or_404, resolve, run_service, submit_form

__all__ = ["Column", "add_service_errors", "get_scoped_or_404", "resolve", "run_service", "submit_form"]
# The generic views live in core.views.generic and core.views.imports (imported from there, not here: they pull
# in accounts.permissions, which the lightweight helpers above do not need).
