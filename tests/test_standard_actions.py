"""Every custom action of the scoped models' API has case data in the standard cases, so a new action plugs in.

The actions are enumerated from the URL configuration the way the authorization sweep walks it (tests/sweep.py:
`all_routes()`): every viewset behind a /api/ route, every `@action` it declares. An action on one object
(`detail=True`) must be named in its model's case (`ScopeCase.api_actions`, tests/<app>/scope_cases.py); the
standard cases (tests/test_standard_cases.py) then try it by every role of the matrix, inside and outside township A.
"""

from django.urls import resolve

from cadres.views.members import TransferAction
from grid_woodpecker.clue_actions import CLUE_ACTIONS
from tests import sweep
from tests.scope import all_cases, as_act


def _declared() -> set:
    return {(case.model._meta.label, as_act(entry).name) for case in all_cases() for entry in case.api_actions}


def custom_actions() -> dict:
    """(model label, url_path) -> (viewset, detail) for every extra action of every routed viewset."""
    found = {}
    for route in sweep.all_routes():
        cls = getattr(route.callback, "cls", None)
        if route.kind != "api" or cls is None or not hasattr(cls, "get_extra_actions"):
            continue
        model = route.model
        if model is None:
            continue
        for extra in cls.get_extra_actions():
            found[(model._meta.label, extra.url_path)] = (cls.__name__, extra.detail)
    return found


def test_every_custom_action_has_case_data():
    actions = custom_actions()
    assert ("grid_woodpecker.Clue", "accept") in actions, "the enumeration found no custom actions"
    declared = _declared()
    # Collection-level actions (`detail=False`) take data too (`Act(detail=False)`).
    missing = sorted(f"{label} {name} ({actions[label, name][0]})" for label, name in set(actions) - declared)
    assert not missing, f"custom actions without data in tests/<app>/scope_cases.py (api_actions): {missing}"
    unknown = sorted(declared - set(actions))
    assert not unknown, f"api_actions name routes that do not exist: {unknown}"


# --- portal action pages ----------------------------------------------------------------------------------------

# Pages on one object (a `pk` in the route) that are not actions: its edit and delete forms, a print view, an export,
# an import job's progress (JSON) and its sheet with the error column (GET only, the uploader's own job), a read-only
# list under it (the units of a dashboard not reporting), a unit map's data (JSON, GET only).
NOT_ACTIONS = {"edit/", "delete/", "print/", "export.xlsx", "children/", "targets/", "party-organization/", "missing/"}
NOT_ACTIONS |= {"progress/", "errors.xlsx", "data/"}
# Action pages that run one of several named steps (a slug in the route), with the registry naming them.
STEP_REGISTRIES = {
    "grid_woodpecker:clue_action": set(CLUE_ACTIONS),
    "cadres:transfer_action": set(TransferAction.steps),
}


def action_pages() -> set:
    """Route names of the portal's action pages: a page on one object (`pk`) beyond its detail, edit and delete."""
    found = set()
    for route in sweep.all_routes():
        if route.kind == "page" and "pk" in route.kwargs:
            tail = route.pattern.split("<int:pk>/", 1)[-1]
            if tail and tail not in NOT_ACTIONS:
                found.add(route.name)
    return found


class _AnyObject:
    """Stands for a case's object when its page URLs are built: every attribute (pk, unit_id, …) is 1, and a related
    unit or parent is another such object (a page on the object's county: `target.unit.parent_id`)."""

    def __getattr__(self, name):
        return _AnyObject() if name in ("unit", "parent") else 1


def declared_pages() -> dict:
    """Route name -> the steps (slug values) the cases' `ui_actions` (and edit and delete pages) POST to."""
    pages = {}
    for case in all_cases():
        urls = [act.url for act in case.ui_actions] + [u for u in (case.ui_update, case.ui_delete) if u]
        for url in urls:
            match = resolve(url(_AnyObject()))
            steps = {str(v) for k, v in match.kwargs.items() if k != "pk"}
            pages.setdefault(match.view_name, set()).update(steps)
    return pages


def test_every_action_page_has_case_data():
    pages, declared = action_pages(), declared_pages()
    assert "grid_woodpecker:clue_action" in pages, "the enumeration found no action pages"
    missing = sorted(pages - set(declared))
    assert not missing, f"action pages without ui_actions in tests/<app>/scope_cases.py: {missing}"
    for route, steps in STEP_REGISTRIES.items():
        assert steps <= declared.get(route, set()), f"{route}: steps without case data: {steps - declared[route]}"
