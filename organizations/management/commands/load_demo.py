"""Build the demo county for `make run`: deterministic (seeded), idempotent, and fast.

The organization tree comes first (Shishou under Hubei → Jingzhou, its townships and villages read from the national
division list: organizations/demo.py); then each app that has a `demo` module with `build(ctx)` adds its records
(members, clues, income, targets…) in INSTALLED_APPS order, through the same services a user would call.
"""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.security import token_ensure_fresh
from core import events
from organizations import demo as org_demo
from organizations.divisions import DivisionDataMissing
from organizations.models import OrganizationUnit, UnitKind

DEMO_PASSWORD = "Shishou@2024"
# The demo's accounts, one per role (made by `_users`), listed at the end of the command and tried by the tests.
DEMO_ACCOUNTS = (
    "admin",
    "jingzhou",
    "orgdept",
    "township",
    "secretary",
    "community",
    "gridworker",
    "handler",
    "woodpecker",
    "external",
)


@dataclass
class DemoContext:
    """What every app's demo step receives."""

    rng: random.Random
    city: OrganizationUnit
    users: dict = field(default_factory=dict)
    stdout: object = None


class Command(BaseCommand):
    help = "Load the demo county (Shishou, under Hubei → Jingzhou). Safe to run twice: an existing county is kept."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--reset", action="store_true", help="Flush the whole database first and rebuild.")
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args, seed, reset, quiet_users, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        city = OrganizationUnit.objects.filter(code=org_demo.CITY_CODE).first()
        if city is None:
            # The goals demo recomputes every figure at the end: no per-change roll-ups meanwhile.
            with transaction.atomic(), events.muted():
                rng = random.Random(seed)
                timings = {}
                try:
                    admin = self._admin()
                    city = org_demo.build_tree(rng, admin)
                except DivisionDataMissing as exc:
                    raise CommandError(str(exc)) from exc
                users = self._users(city)
                ctx = DemoContext(rng=rng, city=city, users=users, stdout=self.stdout)
                for config in apps.get_app_configs():
                    if config.name == "organizations":
                        continue
                    try:
                        module = import_module(f"{config.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{config.name}.demo":
                            raise
                        continue
                    started = time.perf_counter()
                    module.build(ctx)
                    timings[config.label] = time.perf_counter() - started
            spent = ", ".join(f"{label} {seconds:.1f}s" for label, seconds in timings.items())
            self.stdout.write(
                self.style.SUCCESS(f"Demo county built: {OrganizationUnit.objects.count()} units ({spent}).")
            )
        else:
            self._users(city)
            self.stdout.write("Demo county already loaded; kept as it is (use --reset to rebuild).")
        if not quiet_users:
            self._print_users()

    def _admin(self):
        """The demo's system administrator: the uploader of the division sheet (a top-level unit needs one)."""
        admin, _created = User.objects.get_or_create(
            username="admin", defaults={"display_name": "系统管理员", "is_staff": True, "is_superuser": True}
        )
        return admin

    def _users(self, city):
        """Create (or reset the passwords of) one demo user per role."""
        township = OrganizationUnit.objects.get(parent=city, name="东升镇")
        subtree = OrganizationUnit.objects.subtree(township)
        village = subtree.filter(kind=UnitKind.VILLAGE).order_by("code").first()
        community = subtree.filter(kind=UnitKind.COMMUNITY).order_by("code").first()
        grid = subtree.filter(kind=UnitKind.GRID, parent=community).order_by("code").first()
        department = OrganizationUnit.objects.get(code=f"{org_demo.CITY_CODE}A02")
        prefecture = OrganizationUnit.objects.get(code=org_demo.PREFECTURE_CODE)
        plan = [
            ("admin", "系统管理员", None, None, True),
            ("jingzhou", "荆州市委组织部 张干事", Role.ORG_DEPARTMENT, prefecture, True),
            ("orgdept", "市委组织部 王干事", Role.ORG_DEPARTMENT, city, True),
            ("township", "东升镇 组织委员", Role.TOWNSHIP_STAFF, township, True),
            ("secretary", f"{village.name} 书记", Role.SECRETARY, village, False),
            ("community", f"{community.name} 书记", Role.SECRETARY, community, False),
            ("gridworker", f"{grid.name} 网格员", Role.GRID_WORKER, grid, False),
            ("handler", "城管执法局 办理人", Role.DEPARTMENT_HANDLER, department, False),
            ("woodpecker", "啄木鸟 小李", Role.WOODPECKER, grid, False),
            ("external", "12345热线系统", Role.EXTERNAL_SYSTEM, city, False),
        ]
        users = {}
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        for username, display, role, unit, staff in plan:
            user, _created = User.objects.get_or_create(username=username, defaults={"display_name": display})
            user.display_name = display
            user.is_staff = staff
            user.is_superuser = username == "admin"
            user.password = password
            user.save()
            if role:
                RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
            users[username] = user
        # The token expires after API_TOKEN_DAYS: a later `make run` issues a fresh one.
        token_ensure_fresh(user=users["external"])
        return users

    def _print_users(self):
        token = Token.objects.filter(user__username="external").values_list("key", flat=True).first()
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(username__in=DEMO_ACCOUNTS).order_by("id"):
            roles = ", ".join(
                f"{a.get_role_display()}@{a.unit.name}" for a in user.role_assignments.select_related("unit")
            )
            self.stdout.write(f"  {user.username:<11} {user.display_name:<18} {roles or 'superuser'}")
        self.stdout.write(f"API token of 'external': {token}")
