"""The authorization sweep: every URL pattern of the portal, tried by everyone who must not use it.

Routes come from the URL configuration (tests/sweep.py: `all_routes()`), never from a hand list; their kwargs are
filled with real objects of township A. Each route and method is tried as:
- anonymous: pages and the admin send to the login page, the API answers 401/403;
- township B's staff (a sibling township): 404 for every route that names an object of township A, whatever the
  method; other routes may answer, but nothing of township A appears in the response;
- each lower role of township A (secretary, grid worker, department handler, woodpecker, external system): every
  write that is not theirs by design (ROLE_MAY below) is refused with 403/404 (405 for a method the route does
  not take), and the admin is closed to them.
Every refused attempt must leave the database exactly as it was (tests/sweep.py: `writes()`).
The allowlist of public routes is PUBLIC below; docs/security.md ("Authorization sweep") explains the choices.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django import forms as dj_forms
from django.db import models
from rest_framework.test import APIClient

from tests import sweep
from tests.scope import all_cases

# Routes anyone may use without logging in. Keep this short; every entry says why.
PUBLIC = {
    "login": "the login page itself",
    "logout": "logging out is harmless and only ends the caller's own session",
    "admin:login": "the back office's login page",
    "admin:logout": "ends the caller's own session",
    "admin:jsi18n": "the admin's JavaScript translation catalogue, no data",
    "favicon": "a redirect to the site's icon in static/, no data",
    "grid_woodpecker:register": "woodpeckers sign up on a phone by SMS code; the account waits for confirmation",
    "grid_woodpecker:signup_units": "the sign-up's (county →) township → community → grid choices: active units' names",
    "grid_woodpecker:password_reset": "a woodpecker resets a forgotten password by SMS code to its login's phone",
    "grid_woodpecker:public": "the public board of a grid: published clues without reporter or personal data",
    "public-clue-list": "the same public board in the API (GET only)",
    "oauth-token": "the OAuth2 token endpoint: a system client proves itself by its client id and secret (POST only)",
    "unit-locate": "the woodpecker sign-up asks which grid a point lies in (grids are public: the sign-up lists them)",
    # Open311 GeoReport v2 reading is public by the standard (no reporter, no personal data); filing needs a key
    # (tried below: without one it is refused and writes nothing).
    "open311:discovery": "Open311 discovery document",
    "open311:services": "Open311 service list (clue categories)",
    "open311:service": "Open311 service definition",
    "open311:requests": "Open311 published requests (GET); POST needs an api_key",
    "open311:request": "Open311 one published request",
    "open311:updates": "Open311 service request updates (mySociety's extension); an api_key is checked inside",
    "open311:media": "a clue photo staff cleared for the public (metadata stripped), by its unguessable token",
}
# Of PUBLIC, these only answer reads publicly: a write without credentials is still refused and changes nothing.
PUBLIC_READ_ONLY = {"open311:requests"}

LOWER_ROLES = ["secretary", "grid_worker", "department_handler", "woodpecker", "external"]

# What each lower role of township A may write by design (route name, method): their own work in the closed loop
# and the pipelines. Everything else they try must be refused.
ROLE_MAY: dict[str, set] = {
    # Registering a person and correcting one is cadre work the pages give to CADRES_WRITE_ROLES (secretaries
    # included, cadres.views.person_edit); revealing an ID number is in cadres.services.REVEAL_ROLES.
    "secretary": {
        ("person-list", "POST"),
        ("cadres:person_create", "POST"),
        ("cadres:person_edit", "POST"),
        ("person-reveal", "POST"),
        ("cadres:person_reveal", "POST"),
    },
    "grid_worker": set(),
    "department_handler": set(),
    # A woodpecker files clues, takes its grid's inspection tasks and redeems goods with its own points.
    "woodpecker": {
        ("clue-list", "POST"),
        ("grid_woodpecker:clue_new", "POST"),
        ("task-take", "POST"),
        ("grid_woodpecker:task_take", "POST"),
        ("redemption-list", "POST"),
        ("grid_woodpecker:redeem", "POST"),
    },
    "external": set(),
}

# Routes where any signed-in user acts on their own account only (no object of anyone else in the URL or body).
SELF_SERVICE = {
    ("api-token-rotate", "POST"),  # rotate one's own API token
    # One's own notifications: mark read, and one's own notification preferences (notifications/).
    ("notifications:read", "POST"),
    ("notifications:preferences", "POST"),
    ("notification-read", "POST"),
}

# Known open authorization bugs another branch fixes (issue 9). The sweep skips them in the big sweep and runs
# them below as strict xfails, so the integrator removes the marker after merging.
# Escalations found from outside and closed (issue 9), each tried again by name besides the sweep: a grid worker or
# a secretary crediting points through accounts/adjust, which is for staff.
CLOSED_ESCALATIONS = [
    ("grid_worker", "account-adjust", "POST"),
    ("secretary", "account-adjust", "POST"),
]

# Pages whose form is not a ModelForm: the model they write (a lower role may use them when the model's
# `scope_write_roles` name the role). A write page missing here is held to "refused" for every lower role.
PAGE_MODELS = {}

# Actions kept for staff whatever the model's write roles (the services check the role: APPROVER_ROLES, …).
STAFF_ACTIONS = {
    "development-approve",  # cadres.services.APPROVER_ROLES
    "development-send-back",
    "cadres:development_approve",
    "cadres:development_return",
    "income-report-approve",  # reviewing a village's report is the township's
    "income-report-send-back",
    "collective_economy:report_approve",
    "collective_economy:report_send_back",
}

# Bodies for page forms the superuser's blank form does not fill plausibly.
PAGE_BODIES = {
    "collective_economy:project_create": {
        "name": "扫描项目",
        "development_model": "asset",
        "investment": "1000",
        "status": "planned",
    },
}

REFUSED = {403, 404}


@dataclass
class Attempt:
    route: sweep.Route
    method: str
    url: str
    body: object
    owned: bool
    kwargs: dict
    model: object = None  # what the route writes, when known
    write_route: bool = True  # False for a page that only shows (a POST to it is ignored)

    def elsewhere(self) -> "Attempt":
        """The same attempt on objects that do not exist."""
        ids = ("pk", "id", "object_id", "village_pk", "parent_pk")
        kwargs = {k: (987654 if k in ids else v) for k, v in self.kwargs.items()}
        url = sweep.build_url(self.route, kwargs)
        return Attempt(self.route, self.method, url, self.body, False, kwargs, self.model, self.write_route)

    def __str__(self):
        return f"{self.method} {self.url} [{self.route.name}]"


@pytest.fixture
def world(db):
    return sweep.build_world()


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
        client.force_authenticate(user)
    return client


def _send(client, attempt: Attempt):
    method = attempt.method.lower()
    if attempt.route.kind == "api":
        return getattr(client, method)(attempt.url, attempt.body, format="json")
    if method == "get":
        return client.get(attempt.url)
    return getattr(client, method)(attempt.url, attempt.body)


def _field_value(world, form, name, field):
    value = form[name].value()
    if value in (None, "", []) and isinstance(field, dj_forms.ModelChoiceField):
        # Point every empty choice of an object at township A's object of that model: a create or move by
        # someone else must not reach into township A.
        model = field.queryset.model
        sample = world.objects.get(model) or (
            world.county["village_a1"] if model._meta.model_name == "organizationunit" else None
        )
        value = sample.pk if sample is not None else ""
    if isinstance(field, dj_forms.BooleanField):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def _forms(response) -> list:
    found = []
    for context in getattr(response, "context", None) or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            form = getattr(value, "form", value)  # the admin wraps its form
            if isinstance(form, dj_forms.BaseForm) and form not in found:
                found.append(form)
    return found


_FORM = re.compile(r"<form\b[^>]*>", re.I)


def _posts_to_itself(response, url) -> bool:
    """Whether the page has a POST form that submits to the page itself (a detail page's action buttons post
    elsewhere, and a POST to the detail page is ignored)."""
    for tag in _FORM.findall(response.content.decode(errors="replace")):
        if 'method="post"' not in tag.lower():
            continue
        action = re.search(r'action="([^"]*)"', tag)
        if action is None or action.group(1) in ("", url):
            return True
    return False


def _form_body(world, response) -> dict:
    """A plausible POST body for a page: the values of every form the page renders for a superuser."""
    body = {}
    for context in getattr(response, "context", None) or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            form = getattr(value, "form", value)  # the admin wraps its form
            if isinstance(form, dj_forms.BaseForm):
                for name, field in form.fields.items():
                    body.setdefault(form.add_prefix(name), _field_value(world, form, name, field))
    return body


def _api_bodies(world, superuser_client) -> dict:
    """model -> a body creating that model in township A (the apps' scope cases say how)."""
    bodies = {}
    for case in all_cases():
        if case.api_create_body and case.model not in bodies:
            bodies[case.model] = sweep.in_township_a(
                case.unit_key_in, world.county, lambda unit, case=case: case.api_create_body(world.county, unit)
            )
    return bodies


def action_body(world) -> dict:
    """One body that satisfies every action's serializer or form (each takes the fields it knows): dates, reasons,
    a person, a clue to merge with, a department, a rating, points, a new parent and scope in township A."""
    from cadres.models import Person
    from grid_woodpecker.models import Clue, Woodpecker

    a1 = world.county["village_a1"]
    other_clue = Clue.objects.exclude(pk=world.obj(Clue).pk).filter(grid__path__startswith=a1.path).first()
    today = sweep.today()
    return {
        "on": today,
        "effective_on": today,
        "ended_on": today,
        "kind": "advance",
        "reason": "扫描测试",
        "note": "扫描测试",
        "people": [world.obj(Person).pk],
        "duplicate_of": other_clue.pk if other_clue else world.obj(Clue).pk,
        "department": world.county["agency"].pk,
        "resolution": "已处理",
        "rating": "satisfied",
        "woodpecker": world.obj(Woodpecker).pk,
        "points": 5,
        "parent_code": world.county["township_a"].code,
        "scope_code": world.county["township_a"].code,
        "year": 2024,
        "total_income": "150000.00",
        "operating_income": "150000.00",
        "income_sources": "土地发包",
        "development_model": "resource",
        "assets": "1000000",
        "debt": "0",
        "correction_reason": "扫描测试",
        "field": "id_number",
        "source": "organizations",
    }


def attempts(world) -> list[Attempt]:
    """Every route × sample × method, with a plausible body (built as a superuser, before any snapshot)."""
    su = _client(world.users["admin"])
    api_bodies = _api_bodies(world, su)
    union = action_body(world)
    found = []
    for route in sweep.all_routes():
        for sample in sweep.samples(route, world):
            url = sweep.build_url(route, sample.kwargs)
            page_body, model, write_route = None, sample.model or route.model, True
            if route.kind == "page" and route.name not in PUBLIC:
                # What a superuser is shown decides what the page is: a form (or a POST-only action) writes.
                shown = su.get(url)
                forms = _forms(shown)
                write_route = shown.status_code == 405 or (bool(forms) and _posts_to_itself(shown, url))
                for form in forms:
                    model = model or getattr(getattr(form, "_meta", None), "model", None)
                model = model or PAGE_MODELS.get(route.name)
                page_body = {
                    **{k: v for k, v in union.items() if not isinstance(v, list)},
                    **_form_body(world, shown),
                    **PAGE_BODIES.get(route.name, {}),
                }
            for method in route.methods:
                if method == "GET":
                    body = None
                elif route.kind == "api":
                    if method in ("PUT", "PATCH") and "pk" in sample.kwargs:
                        shown = su.get(url)
                        body = shown.json() if shown.status_code == 200 else {}
                    elif method == "POST" and not sample.kwargs.get("pk") and route.model in api_bodies:
                        body = api_bodies[route.model]
                    else:
                        body = union
                elif route.kind == "admin":
                    body = {"post": "yes"} if route.name.endswith("_delete") else {}
                else:
                    body = page_body or {}
                found.append(Attempt(route, method, url, body, sample.owned, sample.kwargs, model, write_route))
    return found


def _public(attempt) -> bool:
    """On the allowlist (and so not swept); a write to a read-only public route is still swept."""
    name = attempt.route.name
    return name in PUBLIC and not (name in PUBLIC_READ_ONLY and attempt.method != "GET")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response.get("Location", "")


def _leaks(world, attempt, response) -> list[str]:
    """Township A's objects showing in a response given to township B."""
    if (
        response.status_code != 200
        or "json" not in response.get("Content-Type", "")
        and "html" not in response.get("Content-Type", "")
    ):
        return []
    # A streamed answer (the bulk exchange's export) is read whole, so it is checked like any other.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    found = [m for m in world.markers if m in text]
    model = attempt.route.model
    if attempt.route.kind == "api" and model in world.ids:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        rows = data.get("results", []) if isinstance(data, dict) else data if isinstance(data, list) else []
        ids = {row.get("id") for row in rows if isinstance(row, dict)}
        found += [f"{model.__name__} id {pk}" for pk in ids & world.ids[model]]
    return found


def _no_oracle(client, attempt, response) -> bool:
    """A refusal other than 404 is accepted only when it cannot tell whether the object exists: the same request
    on an id that does not exist answers the same. That holds for 405 (the route does not take the method), for a
    403 decided by role before any lookup (a woodpecker-only page, an admin model closed to the role) and for the
    admin's "<id>/" shortcut, which redirects to "<id>/change/" (404 there) without a lookup."""
    status = response.status_code
    if status not in (302, 403, 405):
        return False
    if status == 302 and not response.get("Location", "").endswith("/change/"):
        return False
    before = sweep.writes()
    other = _send(client, attempt.elsewhere())
    return other.status_code == status and not sweep.changed(before, sweep.writes())


def _run(client, attempt):
    before = sweep.writes()
    response = _send(client, attempt)
    return response, sweep.changed(before, sweep.writes())


def _report(problems):
    assert not problems, f"{len(problems)} authorization problem(s):\n" + "\n".join(problems[:200])


def test_every_route_is_enumerated_and_filled(world):
    """Every URL pattern resolves back to its own view with the sweep's sample; a route without a sample fails."""
    from django.urls import Resolver404, resolve

    routes = sweep.all_routes()
    assert len(routes) > 300  # pages, admin, API routers and Open311 all walked
    kinds = {r.kind for r in routes}
    assert kinds == {"page", "admin", "api", "open311"}
    problems = []
    for route in routes:
        try:
            for sample in sweep.samples(route, world):
                url = sweep.build_url(route, sample.kwargs)
                try:
                    match = resolve(url)
                except Resolver404:
                    problems.append(f"{route.id}: {url} does not resolve")
                    continue
                if match.func is not route.callback:
                    problems.append(f"{route.id}: {url} resolves to {match.view_name}")
        except sweep.MissingSample as exc:
            problems.append(str(exc))
    _report(problems)


def test_missing_sample_fails(world):
    """A route the registry does not know fails instead of being skipped."""
    route = sweep.Route("things/<int:pk>/", "app:new_thing", object(), ("pk",))
    with pytest.raises(sweep.MissingSample):
        sweep.samples(route, world)


def test_anonymous(world):
    client = _client()
    problems = []
    for attempt in attempts(world):
        if _public(attempt):
            continue
        response, changes = _run(client, attempt)
        status = response.status_code
        if attempt.route.kind in ("api", "open311"):
            ok = status in (401, 403) or _is_login_redirect(response)  # the schema's HTML docs send to the login page
        else:
            ok = _is_login_redirect(response) or status == 405
        if not ok:
            problems.append(f"anonymous {attempt}: {status} {response.get('Location', '')}")
        if changes:
            problems.append(f"anonymous {attempt}: wrote {changes}")
    _report(problems)


def test_sibling_township(world):
    """Township B's staff get 404 for township A's objects and never see or change them."""
    client = _client(world.users["staff_b"])
    problems = []
    for attempt in attempts(world):
        if _public(attempt) or (attempt.route.name, attempt.method) in SELF_SERVICE:
            continue
        response, changes = _run(client, attempt)
        status = response.status_code
        if attempt.owned and status != 404 and not _no_oracle(client, attempt, response):
            problems.append(f"sibling {attempt}: {status} (expected 404)")
        if attempt.method == "GET":
            leaks = _leaks(world, attempt, response)
            if leaks:
                problems.append(f"sibling {attempt}: shows township A's {leaks[:5]}")
        elif changes:
            problems.append(f"sibling {attempt}: {status}, wrote {changes}")
        if status >= 500:
            problems.append(f"sibling {attempt}: {status}")
    _report(problems)


@pytest.mark.parametrize("role", LOWER_ROLES)
def test_lower_roles(world, role):
    """A lower role of township A is refused the admin and every write its role does not hold, and nothing changes.

    Which role writes what is declared once, on the model (`scope_write_roles`, the roles `restrict(…, CHANGE)`
    counts); STAFF_ACTIONS and ROLE_MAY adjust it for single actions.
    """
    from accounts.scoping import write_roles

    user = world.lower[role]
    client = _client(user)
    problems = []
    for attempt in attempts(world):
        name, method = attempt.route.name, attempt.method
        if (name, method) in ROLE_MAY[role] | SELF_SERVICE or _public(attempt):
            continue
        admin = attempt.route.kind == "admin"
        if method == "GET" and not admin:
            continue  # reading inside one's own view scope is by design (the scope tests check what is listed)
        model = attempt.model
        holds = model is not None and role in write_roles(model) and name not in STAFF_ACTIONS
        if holds and not admin:
            continue
        response, changes = _run(client, attempt)
        status = response.status_code
        # The login page is a refusal too: the admin for non-staff, the whole portal for an external system.
        refused = status in REFUSED or status == 405 or _is_login_redirect(response)
        # On an object of township A the role can see but not change: 403 (or 404), never a silent no-op. A create
        # (no object in the URL) may refuse softly — a unit outside the caller's change scope is a field error
        # (400, or the form shown again) — as long as nothing is written.
        hard = admin or (attempt.write_route and attempt.owned)
        if not refused and hard:
            problems.append(f"{role} {attempt}: {status} {response.get('Location', '')}")
        if changes:
            problems.append(f"{role} {attempt}: {status}, wrote {changes}")
    _report(problems)


@pytest.mark.parametrize(
    "role,name,method",
    CLOSED_ESCALATIONS,
)
def test_closed_escalations_stay_closed(world, role, name, method):
    client = _client(world.lower[role])
    chosen = [a for a in attempts(world) if a.route.name == name and a.method == method]
    assert chosen
    for attempt in chosen:
        response, changes = _run(client, attempt)
        assert response.status_code in REFUSED, f"{attempt}: {response.status_code}"
        assert not changes, f"{attempt}: wrote {changes}"


def test_snapshot_sees_a_write(world):
    """The snapshot is not blind: a write between two snapshots shows, an update in place included."""
    before = sweep.writes()
    person = world.objects[next(m for m in world.objects if m.__name__ == "Person")]
    type(person).objects.filter(pk=person.pk).update(name=models.F("name"))
    assert sweep.changed(before, sweep.writes()) == ["cadres_person"]


def test_leak_check_sees_township_a(world):
    """The sibling's leak check is not blind: township A's own staff, on the same lists, are shown A's objects."""
    client = _client(world.users["staff_a"])
    by_name = {a.route.name: a for a in attempts(world) if a.method == "GET"}
    for name in ("cadres:person_list", "person-list", "grid_woodpecker:woodpecker_list"):
        attempt = by_name[name]
        assert _leaks(world, attempt, _send(client, attempt)), name
