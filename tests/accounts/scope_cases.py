from itertools import count

from accounts.models import RoleAssignment, User
from accounts.permissions import GRANT
from accounts.roles import Role
from tests.factories import user_with_role
from tests.scope import ScopeCase

_n = count(1)


def _user_at(county, users, unit):
    return user_with_role(f"scoped_user_{next(_n)}", Role.SECRETARY, unit)


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
    ),
    ScopeCase(
        name="role_assignment",
        model=RoleAssignment,
        make=lambda county, users, unit: _user_at(county, users, unit).role_assignments.get(),
    ),
]
