from itertools import count

from accounts.models import RoleAssignment, User
from accounts.permissions import GRANT
from accounts.roles import Role
from tests.factories import user_with_role
from tests.scope import Act, ScopeCase

_n = count(1)


def _user_at(county, users, unit):
    return user_with_role(f"scoped_user_{next(_n)}", Role.SECRETARY, unit)


def _inactive(county, users, user):
    """The account deactivated, so that it may be reactivated."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    return user


def _grid_worker_at_its_unit(county, user):
    return {"role": Role.GRID_WORKER, "unit": user.role_assignments.get().unit_id}


def _only_assignment_pk(user):
    """The pk of the account's one role (the route walker of tests/test_standard_actions.py passes a stand-in
    whose every attribute is a number)."""
    held = user.role_assignments
    return held.get().pk if hasattr(held, "get") else held


def _page(step):
    return lambda user: f"/accounts/{user.pk}/{step}/"


# The accounts pages that change one account (the grant ladder: GRANT in the matrix, as for the edit page).
ACCOUNT_PAGES = (
    Act("page deactivate", GRANT, url=_page("deactivate")),
    Act("page reactivate", GRANT, prepare=_inactive, url=_page("reactivate")),
    Act("page password reset", GRANT, url=_page("password")),
    Act("page grant", GRANT, _grid_worker_at_its_unit, url=_page("grant")),
    Act(
        "page revoke",
        GRANT,
        url=lambda user: f"/accounts/{user.pk}/roles/{_only_assignment_pk(user)}/revoke/",
    ),
)

CASES = [
    ScopeCase(
        name="user",
        model=User,
        make=_user_at,
        marker=lambda user: user.username,
        ui_list=lambda: "/accounts/",
        ui_detail=lambda user: f"/accounts/{user.pk}/",
        ui_update=lambda user: f"/accounts/{user.pk}/edit/",
        ui_update_data={"display_name": "changed"},
        ui_delete=lambda user: f"/accounts/{user.pk}/delete/",
        # The accounts pages list and change the accounts of the subtrees where one grants roles.
        view_actions=(GRANT,),
        ui_update_action=GRANT,
        ui_actions=ACCOUNT_PAGES,
    ),
    ScopeCase(
        name="role_assignment",
        model=RoleAssignment,
        make=lambda county, users, unit: _user_at(county, users, unit).role_assignments.get(),
    ),
]
