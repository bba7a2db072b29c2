"""Every custom action of the scoped models' API has case data in the standard cases, so a new action plugs in.

The actions are enumerated from the URL configuration the way the authorization sweep walks it (tests/sweep.py:
`all_routes()`): every viewset behind a /api/ route, every `@action` it declares. An action on one object
(`detail=True`) must be named in its model's case (`ScopeCase.api_actions`, tests/<app>/scope_cases.py); the
standard cases (tests/test_standard_cases.py) then try it by every role of the matrix, inside and outside township A.
"""

from tests import sweep
from tests.scope import all_cases, as_act

# Actions still without case data: (model label, url_path). Each must really exist and really lack data (the test
# below fails otherwise), so this list only shrinks. Collection-level actions (`detail=False`) are listed here too
# until the cases take them.
PENDING: set = {
    ("cadres.CapabilityAssessment", "ranking"),
    ("cadres.ReserveCadre", "under-30"),
    ("cadres.TrainingSession", "coverage"),
    ("collective_economy.ProjectCompetition", "ranking"),
    ("collective_economy.VillageReward", "compute"),
    ("grid_woodpecker.InspectionTask", "take"),
    ("grid_woodpecker.PointsAccount", "adjust"),
}


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
    missing = sorted(f"{label} {name} ({actions[label, name][0]})" for label, name in set(actions) - declared - PENDING)
    assert not missing, f"custom actions without data in tests/<app>/scope_cases.py (api_actions): {missing}"
    stale = sorted(PENDING - (set(actions) - declared))
    assert not stale, f"PENDING names actions that are gone or now have data: {stale}"
    unknown = sorted(declared - set(actions))
    assert not unknown, f"api_actions name routes that do not exist: {unknown}"
