"""The standard scope test cases every scoped model plugs into (the NetBox idea of standard view/API tests).

A model registers a `ScopeCase` in `tests/<app>/scope_cases.py` (a module-level list `CASES`). The case says
how to make one object attached to a unit and where its pages and endpoints are; `tests/test_scope_standard.py`
then checks, for a township user (staff_a), that every page, endpoint and admin view shows and changes objects in
township A and answers 404 for the same kind of object in township B. Give data only: the checks are shared.
"""

import glob
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Act:
    """A custom API action on one object (a DRF `@action` of the model's viewset), as data.

    `name` is the route suffix (the action's url_path), `action` what accounts.permissions is asked of the object.
    `body`: a dict, or body(county, obj) -> dict. `prepare(county, users, obj)` -> the object in the state the action
    needs (a clue accepted before it is dispatched), run inside the attempt's rolled-back savepoint; the matrix is
    asked about that object. `prober(world, obj)` -> the user whose success proves the case's data valid (default:
    the superuser; the reporter for a rating, which nobody else may give). `expect(user, obj)` -> whether the matrix
    allows it, when the service asks about more than the object (a transfer's receiving unit, a reserve cadre's
    step that is also the township's decision); it must ask accounts.permissions (tests/roles.py), never answer
    by itself."""

    name: str
    action: str
    body: object = None
    method: str = "post"
    prepare: Callable | None = None
    prober: Callable | None = None
    expect: Callable | None = None
    # A portal action page instead of an API route: url(obj) -> the page the form is POSTed to (body: the form).
    url: Callable | None = None
    # A list-wide action (`@action(detail=False)`): the route is f"{api_list}{name}/", aimed at the object through
    # its body (its unit, its year). `shows(data, obj)`, for a GET: whether the answer lists the object; it must
    # exactly when the matrix lets the user do `action` to it (a list-wide answer holds only in-scope rows).
    detail: bool = True
    shows: Callable | None = None


def as_act(entry) -> Act:
    """An `api_actions` entry: an Act, or the short form (name, action, body)."""
    return entry if isinstance(entry, Act) else Act(*entry)


@dataclass
class ScopeCase:
    name: str
    model: type[models.Model]
    # make(county, users, unit) -> an object attached to `unit` (a village of the test county unless `unit_key` says)
    make: Callable
    unit_key_in: str = "village_a1"
    unit_key_out: str = "village_b1"
    # Who looks: a key of the users fixture. staff_a is township staff of township A.
    viewer: str = "staff_a"
    # Pages: callables obj -> URL, or None when the model has no such page.
    ui_list: Callable | None = None  # () -> URL of the list page
    ui_detail: Callable | None = None
    ui_update: Callable | None = None  # POSTing {} (or ui_update_data) must not change an out-of-scope object
    ui_update_data: dict = field(default_factory=dict)
    ui_delete: Callable | None = None
    # API: endpoint of the list (a string), detail is f"{api_list}{pk}/"
    api_list: str | None = None
    api_update_data: dict = field(default_factory=dict)
    api_delete: bool = True
    # api_create_body(county, unit) -> a body creating an object at `unit`; out-of-scope creation must fail
    api_create_body: Callable | None = None
    # The role matrix (tests/roles.py, tests/test_standard_cases.py): the action each write asks of
    # accounts.permissions (CHANGE unless the model routes it through another declared action), a body for an update
    # that needs the world (county, obj) -> dict (default: api_update_data), and, when the object's state makes the
    # API refuse an update for everybody (an approved report is locked), the reason.
    api_update_body: Callable | None = None
    api_update_action: str = "change"
    api_update_refused: str = ""
    ui_update_refused: str = ""
    # The actions that show a row in the lists and details (any of them): VIEW, or e.g. VIEW and TAKE for the
    # inspection tasks a woodpecker may take.
    view_actions: tuple = ("view",)
    api_create_action: str = "change"
    ui_update_action: str = "change"
    # Custom API actions on one object: Acts, or (route suffix, the action accounts.permissions is asked, a valid
    # body). Every `@action(detail=True)` of the model's viewsets must be here (tests/test_standard_actions.py).
    api_actions: tuple = ()
    # Portal action pages on one object: Acts with `url` (tests/test_standard_actions.py enumerates the pages).
    ui_actions: tuple = ()
    # The admin changelist/change view, if the model is in the admin.
    admin: bool = True
    # A read-only admin (the audit trail) refuses every POST to a change or delete view with 403 before looking the
    # object up: the same answer for an id that does not exist, so nothing is revealed.
    admin_read_only: bool = False
    # What identifies the object in a page (default: str(obj)).
    marker: Callable = str

    def __str__(self):
        return self.name


def all_cases() -> list[ScopeCase]:
    """Every registered case: tests/*/scope_cases.py, module-level CASES."""
    here = os.path.dirname(__file__)
    cases = []
    for path in sorted(glob.glob(os.path.join(here, "*", "scope_cases.py"))):
        package = os.path.basename(os.path.dirname(path))
        cases.extend(importlib.import_module(f"tests.{package}.scope_cases").CASES)
    return cases
