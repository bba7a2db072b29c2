"""The standard cases: every registered scope case (tests/*/scope_cases.py) tried by every role of the matrix
(tests/roles.py), anonymous included, inside township A and outside it (township B), in the UI and the API.

A case gives data only (its builder, its URLs, valid update and create bodies); the checks are here, and the
expected outcome of each attempt is computed from the matrix through accounts.permissions:
- allowed → success, and the write is checked in the database (the row changed, was created or is gone);
- refused → 401/403/404 (405 where the route does not take the method for anybody), and nothing written.
An operation exists when the superuser succeeds with the case's data; when even the superuser is refused (405:
the API has no such method for the model), every role must be refused too. A case whose data the superuser
cannot use fails, so a case's payloads stay valid.

One world (tests/sweep.py: `build_world`) per role; every write runs in a savepoint that is rolled back, so the
attempts do not disturb each other.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from tests import factories, roles, sweep
from tests.scope import all_cases, as_act

CASES = all_cases()
API_REFUSED = {401, 403, 404}
WRITE_OK = {200, 201, 202, 204}


@pytest.fixture
def world(db):
    return sweep.build_world()


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
        client.force_authenticate(user)
    return client


def _state(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


@contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _outside_at(world, key, make):
    """`make(unit)` at the unit `key` outside township A, or at a new unit of the same kind beside it when that one
    is taken (one sitting secretary per village, one scheme per township and year)."""
    try:
        with transaction.atomic():
            return make(world.county[key])
    except (ValidationError, IntegrityError):
        taken = world.county[key]
        sibling = factories.unit(f"{taken.name}二", taken.kind, taken.parent)
        with transaction.atomic():
            return make(sibling)


def _outside(world, case):
    """The case's object outside township A, made once per world."""
    store = world.__dict__.setdefault("_outside", {})
    if case.name not in store:
        make = case.make
        store[case.name] = _outside_at(world, case.unit_key_out, lambda unit: make(world.county, world.users, unit))
    return store[case.name]


def _inside(world, case):
    return world.objects[case.model] if case.model in world.objects else None


class Attempts:
    """Collects what went against the matrix, so one run reports every problem of a role."""

    def __init__(self, role):
        self.role = role
        self.problems = []
        self.successes = []  # the allowed writes whose success (and row change) was asserted

    def fail(self, case, what, message):
        self.problems.append(f"{self.role} {case.name} {what}: {message}")

    def report(self):
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)


@dataclass
class Wrote:
    own: bool  # the object changed or went, or a row of its model was added (a create, a new version)
    tables: list  # every table written (tests/sweep.py: `writes()`)

    def __bool__(self):
        return self.own


def _write(client, method, url, body, obj=None, model=None, api=True):
    """Send a write in a savepoint rolled back afterwards; answer (response, what it wrote)."""
    model = model or type(obj)
    with _rolled_back():
        before = (_state(obj) if obj is not None else None, model._default_manager.count(), sweep.writes())
        if api:
            response = getattr(client, method)(url, body, format="json")
        else:
            response = getattr(client, method)(url, body or {})
        after = (_state(obj) if obj is not None else None, model._default_manager.count(), sweep.writes())
    return response, Wrote(before[:2] != after[:2], sweep.changed(before[2], after[2]))


# --- the API ---------------------------------------------------------------------------------------------------


def _api_read(check, case, client, user, inside, outside):
    response = client.get(case.api_list, {"page_size": 500})
    if user is None:
        if response.status_code not in (401, 403):
            check.fail(case, "api list", f"anonymous got {response.status_code}")
        return
    if response.status_code == 403:
        for obj in (inside, outside):
            if obj is not None and roles.expected_any(user, case.view_actions, obj):
                check.fail(case, "api list", f"403 but the matrix shows object {obj.pk}")
    elif response.status_code != 200:
        check.fail(case, "api list", f"status {response.status_code}")
    else:
        ids = {row.get("id") for row in response.json()["results"]}
        for where, obj in (("inside", inside), ("outside", outside)):
            if obj is not None and (obj.pk in ids) != roles.expected_any(user, case.view_actions, obj):
                check.fail(case, "api list", f"{where} object listed={obj.pk in ids}, matrix says otherwise")
    for where, obj in (("inside", inside), ("outside", outside)):
        if obj is None:
            continue
        status = client.get(f"{case.api_list}{obj.pk}/").status_code
        allowed = roles.expected_any(user, case.view_actions, obj)
        if (status == 200) != allowed or (not allowed and status not in API_REFUSED):
            check.fail(case, f"api detail {where}", f"status {status}, matrix allows: {allowed}")


def _update_body(world, case, obj):
    return case.api_update_body(world.county, obj) if case.api_update_body else case.api_update_data


# What the superuser's attempt with the case's data says about an operation, by (case, operation, where): it
# "exists" (success and a write), is "absent" (405: the route has no such method for the model) or is "locked" for
# everybody in the object's state (the case gives the reason). The worlds are built alike, so one probe serves all
# roles.
_PROBES: dict = {}


def _probe(check, world, case, op, where, send, locked_reason=""):
    key = (case.name, op, where)
    if key not in _PROBES:
        response, wrote = send(_client(world.users["admin"]))
        if response.status_code == 405:
            _PROBES[key] = "absent"
        elif response.status_code in WRITE_OK | {302} and wrote:
            _PROBES[key] = "exists"
        elif locked_reason:
            _PROBES[key] = "locked"
        else:
            _PROBES[key] = (
                f"the superuser cannot use the case's data: {response.status_code} {response.content[:200]!r}"
            )
    if _PROBES[key] not in ("exists", "absent", "locked"):
        check.fail(case, op, _PROBES[key])
        return None
    return _PROBES[key]


def _refused(response) -> bool:
    status = response.status_code
    return status in API_REFUSED | {405} or (status == 302 and "login" in response.get("Location", ""))


def _judge(check, case, what, allowed, operation, response, wrote):
    """Allowed and the operation exists: success, and the object (or its model's rows) changed. Allowed but locked
    in this state: no success, nothing written. Otherwise: a refusal (401/403/404/405 or the login page) and
    nothing written at all."""
    status, body = response.status_code, response.content[:200]
    if allowed and operation == "exists":
        if status not in WRITE_OK | {302} or not wrote:
            check.fail(case, what, f"allowed by the matrix but {status}, wrote {wrote.tables}: {body!r}")
        check.successes.append(f"{case.name} {what}")
    elif allowed and operation == "locked":  # the API refuses (400); a page shows its form again (200)
        if (status in WRITE_OK and status != 200) or wrote.tables:
            check.fail(case, what, f"locked for everybody but {status}, wrote {wrote.tables}: {body!r}")
    elif not _refused(response) or wrote.tables:
        check.fail(case, what, f"must be refused: {status}, wrote {wrote.tables}: {body!r}")


def _api_writes(check, world, case, client, user, inside, outside):
    for where, obj in (("inside", inside), ("outside", outside)):
        if obj is None:
            continue
        url = f"{case.api_list}{obj.pk}/"
        for method, action in (("patch", case.api_update_action), ("delete", "change")):
            body = _update_body(world, case, obj) if method == "patch" else None
            locked = case.api_update_refused if method == "patch" else ""

            def send(c, method=method, body=body, obj=obj, url=url):
                return _write(c, method, url, body, obj=obj)

            operation = _probe(check, world, case, f"api {method}", where, send, locked)
            if operation is None:
                continue
            response, wrote = send(client)
            _judge(check, case, f"api {method} {where}", roles.expected(user, action, obj), operation, response, wrote)
    for act in map(as_act, case.api_actions):
        for where, obj in (("inside", inside), ("outside", outside)):
            if obj is not None:
                _api_action(check, world, case, client, user, act, where, obj)
    for key, unit, body in world.create_bodies.get(case.name, []):

        def send(c, body=body):
            return _write(c, "post", case.api_list, body, model=case.model)

        operation = _probe(check, world, case, "api create", key, send)
        if operation is None:
            continue
        response, wrote = send(client)
        allowed = roles.expected_at(user, case.api_create_action, case.model, unit)
        # A create outside one's scope may be refused as a field error (400: the unit is not one of the choices).
        if not allowed and response.status_code == 400 and not wrote.tables:
            continue
        _judge(check, case, f"api create at {key}", allowed, operation, response, wrote)


def _send_act(client, world, case, act, obj, user):
    """One attempt of a custom action in a savepoint rolled back afterwards: the object is first brought into the
    state the action needs; answer (response, what it wrote, whether the matrix allows `user`)."""
    with _rolled_back():
        target = act.prepare(world.county, world.users, obj) if act.prepare else obj
        target.refresh_from_db()
        body = act.body(world.county, target) if callable(act.body) else (act.body or {})
        allowed = act.expect(user, target) if act.expect else roles.expected(user, act.action, target)
        url = act.url(target) if act.url else f"{case.api_list}{f'{target.pk}/' if act.detail else ''}{act.name}/"
        allowed = allowed and (act.url is None or roles.uses_portal(user))
        before = (_state(target), type(target)._default_manager.count(), sweep.writes())
        if act.method == "get" or act.url:
            response = getattr(client, act.method)(url, body)
        else:
            response = getattr(client, act.method)(url, body, format="json")
        after = (_state(target), type(target)._default_manager.count(), sweep.writes())
        listed = bool(act.shows and response.status_code == 200 and act.shows(response.json(), target))
    tables = sweep.changed(before[2], after[2])
    # An action's own write: the object changed, or it wrote a row elsewhere (a reveal logs who saw the value).
    return response, Wrote(before[:2] != after[:2] or bool(tables), tables), allowed, listed


def _api_action(check, world, case, client, user, act, where, obj):
    what = f"{'ui' if act.url else 'api'} {act.name} {where}"
    key = (case.name, what)
    if key not in _PROBES:
        prober = act.prober(world, obj) if act.prober else world.users["admin"]
        response, wrote, _allowed, listed = _send_act(_client(prober), world, case, act, obj, prober)
        if act.method == "get":
            ok = response.status_code == 200 and (listed or not act.shows)
        else:
            ok = response.status_code in WRITE_OK | {302} and wrote
        _PROBES[key] = (
            "exists"
            if ok
            else f"the prober cannot use the case's data: {response.status_code} " + repr(response.content[:200])
        )
    if _PROBES[key] != "exists":
        check.fail(case, what, _PROBES[key])
        return
    response, wrote, allowed, listed = _send_act(client, world, case, act, obj, user)
    if act.url and not allowed and response.status_code == 302 and not wrote.tables:
        # A portal action page (core ObjectActionView) shows a refusal because of the record's state (a ValidationError
        # such as core.errors.Conflict) as an error message on the object's page (a redirect): nothing written.
        return
    if not act.detail and not allowed and user is not None and response.status_code == 400 and not wrote.tables:
        return  # a list-wide action aimed at a unit outside one's scope: a field error, like a create there
    if act.shows and user is not None and response.status_code == 200:
        # A list-wide report: everybody who may use it gets an answer, holding the object exactly when in scope.
        if listed != allowed or wrote.tables:
            check.fail(case, what, f"lists the object: {listed}, matrix allows: {allowed}, wrote {wrote.tables}")
        elif allowed:
            check.successes.append(f"{case.name} {what}")
        return
    if act.method != "get":
        _judge(check, case, what, allowed, "exists", response, wrote)
    elif allowed and (response.status_code != 200 or wrote.tables):
        check.fail(case, what, f"allowed by the matrix but {response.status_code}, wrote {wrote.tables}")
    elif not allowed and (response.status_code not in API_REFUSED or wrote.tables):
        check.fail(case, what, f"must be refused: {response.status_code}, wrote {wrote.tables}")


def _create_bodies(world) -> dict:
    """case name -> [(unit key, unit, body)]: a body creating the case's model inside township A (at the case's
    unit or the next free one of its level) and one outside it, built before the outside objects are made."""
    bodies = {}
    for case in CASES:
        if not (case.api_list and case.api_create_body):
            continue
        for key in [case.unit_key_in, *sweep._ALTERNATIVES.get(case.unit_key_in, [])]:
            try:
                with transaction.atomic():
                    inside = (key, world.county[key], case.api_create_body(world.county, world.county[key]))
                break
            except (ValidationError, IntegrityError):
                continue
        else:
            raise AssertionError(f"{case.name}: no unit of township A takes the case's create body")
        body_at = case.api_create_body
        out = _outside_at(world, case.unit_key_out, lambda unit, body_at=body_at: (unit, body_at(world.county, unit)))
        bodies[case.name] = [inside, (case.unit_key_out, *out)]
    return bodies


# --- the UI ----------------------------------------------------------------------------------------------------


def _login_redirect(response):
    return response.status_code == 302 and "login" in response.get("Location", "")


def _ui_may(user, actions, obj) -> bool:
    return roles.uses_portal(user) and roles.expected_any(user, actions, obj)


def _ui_read(check, case, client, user, inside, outside):
    view = case.view_actions
    if case.ui_list:
        response = client.get(case.ui_list())
        if user is None:
            if not _login_redirect(response):
                check.fail(case, "ui list", f"anonymous got {response.status_code}")
        elif response.status_code == 200:
            body = response.content.decode()
            for where, obj in (("inside", inside), ("outside", outside)):
                if obj is not None and (case.marker(obj) in body) != _ui_may(user, view, obj):
                    check.fail(case, "ui list", f"{where} object shown={case.marker(obj) in body}, matrix differs")
        elif response.status_code not in (302, 403) or (inside is not None and _ui_may(user, view, inside)):
            check.fail(case, "ui list", f"status {response.status_code}")
    if case.ui_detail:
        for where, obj in (("inside", inside), ("outside", outside)):
            if obj is None:
                continue
            response = client.get(case.ui_detail(obj))
            allowed = _ui_may(user, view, obj)
            status = response.status_code
            if user is None:
                ok = _login_redirect(response)
            else:
                ok = status == 200 if allowed else status in (403, 404) or _login_redirect(response)
            if not ok:
                check.fail(case, f"ui detail {where}", f"status {status}, matrix allows: {allowed}")


def _ui_writes(check, world, case, client, user, inside, outside):
    for kind, page in (("edit", case.ui_update), ("delete", case.ui_delete)):
        if page is None:
            continue
        locked = case.ui_update_refused if kind == "edit" else ""
        for where, obj in (("inside", inside), ("outside", outside)):
            if obj is None:
                continue

            url = page(obj)

            def send(c, url=url, obj=obj):
                return _write(c, "post", url, case.ui_update_data, obj=obj, api=False)

            operation = _probe(check, world, case, f"ui {kind}", where, send, locked)
            if operation is None:
                continue
            response, wrote = send(client)
            allowed = _ui_may(user, (case.ui_update_action,), obj)
            _judge(check, case, f"ui {kind} {where}", allowed, operation, response, wrote)


# --- the tests ---------------------------------------------------------------------------------------------------


# Writes only a role other than the representative may do, asserted for that role (not blind).
ONLY_FOR = {
    "org_department": {"goals_target ui page load defaults inside"},
    "woodpecker_a": {"goods ui page redeem inside"},
}


@pytest.mark.parametrize("spec", roles.MATRIX, ids=str)
def test_standard_cases(world, spec):
    user = roles.user_for(world, spec)
    client = _client(user)
    check = Attempts(spec.name)
    world.create_bodies = _create_bodies(world)
    for case in CASES:
        inside, outside = _inside(world, case), _outside(world, case)
        if case.api_list or case.ui_list or case.ui_detail or case.ui_update or case.ui_delete:
            assert inside is not None and outside is not None, f"{case.name}: no object inside or outside township A"
        if case.api_list:
            _api_read(check, case, client, user, inside, outside)
            _api_writes(check, world, case, client, user, inside, outside)
        _ui_read(check, case, client, user, inside, outside)
        _ui_writes(check, world, case, client, user, inside, outside)
        for act in case.ui_actions:
            for where, obj in (("inside", inside), ("outside", outside)):
                _api_action(check, world, case, client, user, act, where, obj)
    check.report()
    if spec.name == roles.REPRESENTATIVE:
        # Not blind: township staff's own writes inside the township are tried and asserted, in the API and the UI.
        done = set(check.successes)
        assert {"woodpecker api patch inside", "collective_project api delete inside"} <= done, done
        assert {"organization_unit ui edit inside", "person ui edit inside"} <= done, done
        assert {"threshold_target api create at township_a", "station api create at village_a1"} <= done, done
        assert {"clue api accept inside", "redemption api confirm inside", "redemption api cancel inside"} <= done, done
        assert {"clue api dispatch_to inside", "clue api handle inside", "clue api merge inside"} <= done, done
        assert {"woodpecker api deactivate inside", "organization_unit api move inside"} <= done, done
        assert {"development_record api approve inside", "member_transfer api cancel inside"} <= done, done
        assert {"training_session api attendees inside", "income_report api approve inside"} <= done, done
        assert {"organization_unit ui page move inside", "development_record ui page approve inside"} <= done, done
        assert {"development_record ui page send-back inside"} <= done, done
        assert {"user ui page deactivate inside", "user ui page grant inside", "user ui page revoke inside"} <= done
        assert {"user ui page reactivate inside", "user ui page password reset inside"} <= done, done
        assert {"development_record ui page propose inside", "party_member ui page transfer inside"} <= done, done
        assert {"cadre_post ui page elevate inside", "goals_report_confirmation ui page confirm inside"} <= done, done
    # The pages only another role may use: tried and asserted for that role.
    assert ONLY_FOR.get(spec.name, set()) <= set(check.successes), check.successes


def test_every_scoped_model_has_a_case():
    """A model that names a scope_field without a standard case fails here, so a new model plugs in."""
    covered = {case.model for case in CASES}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if getattr(model, "scope_field", None) is not None and model not in covered and not model._meta.proxy
    ]
    assert not missing, f"scoped models without a case in tests/<app>/scope_cases.py: {missing}"


def test_matrix_names_every_role():
    """The matrix tries every role of accounts/roles.py (and the anonymous visitor)."""
    from accounts.roles import Role

    assert {spec.role for spec in roles.MATRIX} == {*Role.values, None}
