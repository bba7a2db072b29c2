"""The role matrix, declared once: who is tried on every page, endpoint and action of the standard cases.

Each entry names a role of accounts/roles.py and where it is held in the test county (tests/factories.py). What a
role may do is never written here: `expected()` asks accounts.permissions, which reads the model's declarations
(`scope_view_roles`, `scope_write_roles`, `scope_actions`, the owner and department fields). The standard tests
(tests/test_standard_cases.py) compare that answer with what the portal does.
"""

from dataclasses import dataclass

from accounts import auth, permissions
from accounts.roles import Role
from tests import factories


@dataclass(frozen=True)
class MatrixRole:
    name: str
    role: str | None  # None: the anonymous visitor
    unit_key: str | None  # where the role is held (a key of the county fixture)
    # How the sweep's world already holds such a user: a key of world.users or ("lower", key) of world.lower.
    reuse: object = None

    def __str__(self):
        return self.name


MATRIX = [
    MatrixRole("anonymous", None, None),
    MatrixRole("org_department", Role.ORG_DEPARTMENT, "city", "city_staff"),
    MatrixRole("township_staff_a", Role.TOWNSHIP_STAFF, "township_a", "staff_a"),
    MatrixRole("township_staff_b", Role.TOWNSHIP_STAFF, "township_b", "staff_b"),
    MatrixRole("secretary_a", Role.SECRETARY, "village_a1", "secretary_a1"),
    MatrixRole("grid_worker_a", Role.GRID_WORKER, "grid_a1", ("lower", "grid_worker")),
    # A department handler works for a department (an agency), not a township: it sees only what is dispatched to it.
    MatrixRole("department_handler", Role.DEPARTMENT_HANDLER, "agency"),
    MatrixRole("woodpecker_a", Role.WOODPECKER, "grid_a1", ("lower", "woodpecker")),
    MatrixRole("external_system", Role.EXTERNAL_SYSTEM, "city", "external"),
]
BY_NAME = {r.name: r for r in MATRIX}
# The representative user of the query-count baselines and the "inside" of the scope tests.
REPRESENTATIVE = "township_staff_a"


def user_for(world, spec: MatrixRole):
    """The world's user holding `spec` (made when the world has none); None for the anonymous visitor. The user's
    role assignments are checked against the matrix, so a fixture drifting from it fails here."""
    if spec.role is None:
        return None
    if isinstance(spec.reuse, tuple):
        user = world.lower[spec.reuse[1]]
    elif spec.reuse:
        user = world.users[spec.reuse]
    else:
        key = f"matrix_{spec.name}"
        if key not in world.users:
            world.users[key] = factories.user_with_role(key, spec.role, world.county[spec.unit_key])
        user = world.users[key]
    held = set(user.role_assignments.values_list("role", "unit_id"))
    assert held == {(spec.role, world.county[spec.unit_key].pk)}, f"{spec}: holds {held}"
    return user


def expected(user, action: str, obj) -> bool:
    """Whether the matrix lets `user` do `action` to `obj` (accounts.permissions.can; the anonymous visitor: no)."""
    if user is None:
        return False
    return permissions.can(user, action, obj)


def expected_any(user, actions, obj) -> bool:
    """Whether the matrix lets `user` do any of `actions` to `obj` (what a list shows)."""
    return any(expected(user, action, obj) for action in actions)


def uses_portal(user) -> bool:
    """Whether `user` may use the portal's pages at all (an external system's account has only its API token:
    accounts.auth.is_service_account)."""
    return user is not None and not auth.is_service_account(user)


def expected_at(user, action: str, model, unit) -> bool:
    """Whether the matrix lets `user` create a record of `model` at `unit`."""
    if user is None:
        return False
    return permissions.can_at(user, action, model, unit)
