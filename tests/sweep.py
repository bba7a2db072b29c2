"""The authorization sweep's machinery (see tests/test_authorization_sweep.py and docs/security.md).

- `all_routes()` walks the URL configuration (`get_resolver()`, recursively: pages, the admin, the /api/v1/ routers
  with their format-suffix twins, Open311) — nothing is listed by hand.
- `build_world()` builds the small test county (tests/factories.py) and one object of every registered scoped
  model in township A through the apps' own scope-case builders (tests/*/scope_cases.py), plus the lower roles of
  township A.
- `samples(route, world)` fills a route's URL kwargs with real ids/codes of township A. The admin and the API
  routers are filled generically from the route's model; page routes come from `PAGE_KWARGS`. A route whose kwargs
  cannot be filled raises `MissingSample`, so a route added later without a sample fails the suite.
- `writes()` is the database snapshot: PostgreSQL's per-transaction row counters (`pg_stat_xact_user_tables`:
  rows inserted, updated and deleted by this transaction, per table). Two equal snapshots around a request mean the
  request wrote nothing at all — a stronger check than row counts, as it also catches an UPDATE in place.
"""

import re
from dataclasses import dataclass, field
from itertools import count

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.roles import Role
from tests import factories
from tests.scope import all_cases

_seq = count(1)


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern as configured, e.g. "cadres/people/<int:pk>/"
    name: str  # namespaced name: "cadres:person_detail", "admin:cadres_person_change", "person-detail"
    callback: object = field(compare=False, repr=False)
    kwargs: tuple = ()

    @property
    def kind(self) -> str:
        for prefix, kind in (("admin/", "admin"), ("api/", "api"), ("open311/", "open311")):
            if self.pattern.startswith(prefix):
                return kind
        return "page"

    @property
    def id(self) -> str:
        return f"{self.name or '-'} {self.pattern}"

    @property
    def methods(self) -> list[str]:
        """What the route accepts: a DRF route says so itself; a page or admin view is tried with GET and POST."""
        actions = getattr(self.callback, "actions", None)
        if actions:
            return [m.upper() for m in actions if m not in ("head", "options")]
        cls = getattr(self.callback, "cls", None)
        if cls is not None and self.kind == "api":
            return [m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
        return ["GET", "POST"]

    @property
    def model(self):
        """The model a generic route (admin, API router) acts on, when it says."""
        model_admin = getattr(self.callback, "model_admin", None)
        if model_admin is not None:
            return model_admin.model
        if self.kind == "admin":
            match = re.match(r"admin/(\w+)/(\w+)/", self.pattern)
            if match:
                for model in admin.site._registry:
                    if (model._meta.app_label, model._meta.model_name) == match.groups():
                        return model
        cls = getattr(self.callback, "cls", None)
        queryset = getattr(cls, "queryset", None)
        return queryset.model if queryset is not None else None


_KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            full = prefix + str(p.pattern)
            name = f"{namespace}:{p.name or ''}" if namespace else (p.name or "")
            kwargs = tuple(a or b for a, b in _KWARG.findall(full))
            yield Route(full, name, p.callback, kwargs)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def build_url(route: Route, kwargs: dict) -> str:
    """The path of `route` with `kwargs` filled in (route syntax and the routers' regexes alike)."""

    def value(name):
        return str(kwargs[name])

    path = route.pattern
    # Router regexes first: named groups, then anchors, optional slash and escaped dots.
    path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: value(m.group(1)), path)
    path = re.sub(r"<drf_format_suffix:format>", lambda m: "." + value("format"), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), path)
    path = path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
    return "/" + path


def writes() -> dict:
    """Rows inserted, updated or deleted so far in this transaction, by table (sessions and the lockout app's
    access log excluded: signing a client in or out is not what is under test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND relname <> 'django_session' "
            "AND relname NOT LIKE 'axes\\_%'"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def changed(before: dict, after: dict) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


# --- the world ---------------------------------------------------------------------------------------------------


class MissingSample(LookupError):
    """A route whose URL kwargs the sweep cannot fill: add a sample to PAGE_KWARGS (or a model to the world)."""


@dataclass
class Sample:
    kwargs: dict
    owned: bool = True  # the kwargs point at an object of township A (a sibling must get 404)
    model: object = None  # the model the route acts on, when the kwargs name one


@dataclass
class World:
    county: dict
    users: dict
    objects: dict  # model -> an object of that model in township A
    lower: dict  # role name -> a user holding that lower role in township A
    markers: list  # strings that identify township A's objects in a page or response
    ids: dict  # model -> pks of township A's objects of that model

    def obj(self, model):
        try:
            return self.objects[model]
        except KeyError as exc:
            raise MissingSample(f"no sample object of {model.__name__} in township A") from exc


# Where a case's object may go when its usual unit is taken (one sitting secretary per village, …).
_ALTERNATIVES = {"village_a1": ["village_a2", "community_a"], "grid_a1": ["grid_ac"]}


def in_township_a(unit_key, county, make):
    """`make(unit)` at `unit_key`, or at the next unit of township A of its level when that one is taken."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    keys = [unit_key, *_ALTERNATIVES.get(unit_key, [])]
    for key in keys:
        try:
            with transaction.atomic():
                return make(county[key])
        except (ValidationError, IntegrityError):
            if key == keys[-1]:
                raise
    raise AssertionError("unreachable")


def _make_in_a(case, county, users):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    try:
        return in_township_a(case.unit_key_in, county, lambda unit: case.make(county, users, unit))
    except (ValidationError, IntegrityError):
        if case.name not in _INSTEAD:
            raise
    return _INSTEAD[case.name](county, users)


def _reward_rule(county, users):
    from decimal import Decimal

    from collective_economy.models import RewardRule, RewardRuleKind, RewardScheme

    scheme = RewardScheme.objects.get(unit=county["township_a"])
    return RewardRule.objects.create(
        scheme=scheme, kind=RewardRuleKind.THRESHOLD_CROSSING, threshold=Decimal("300000"), amount=Decimal("2")
    )


# Cases whose builder cannot run twice in one township (a scheme per township and year): built another way.
_INSTEAD = {"reward_rule": _reward_rule}


def _security_objects(objects, ids, users):
    """Login-security records of a township-A user, for the admin views of the lockout and second-factor apps
    (when they are installed)."""
    from django.apps import apps

    user = users["account_a"]
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        common = {"username": user.username, "ip_address": "127.0.0.9", "user_agent": "sweep"}
        for model, extra in (
            (AccessAttempt, {"get_data": "", "post_data": "", "failures_since_start": 1}),
            (AccessLog, {}),
            (AccessFailureLog, {"locked_out": False}),
        ):
            fields = {f.name for f in model._meta.get_fields()}
            obj = model.objects.create(**{k: v for k, v in {**common, **extra}.items() if k in fields})
            objects[model], ids[model] = obj, {obj.pk}
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        obj = TOTPDevice.objects.create(user=user, name="sweep", confirmed=True)
        objects[TOTPDevice], ids[TOTPDevice] = obj, {obj.pk}
    if apps.is_installed("django_otp.plugins.otp_static"):
        from django_otp.plugins.otp_static.models import StaticDevice

        obj = StaticDevice.objects.create(user=user, name="sweep", confirmed=True)
        objects[StaticDevice], ids[StaticDevice] = obj, {obj.pk}


def build_world() -> World:
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from cadres.models import Person
    from core.models import AuditEntry
    from grid_woodpecker.models import Woodpecker
    from tests.grid_woodpecker import helpers as wp_helpers

    county = factories.build_county()
    users = factories.build_users(county)
    objects, ids = {}, {}
    for case in all_cases():
        obj = _make_in_a(case, county, users)
        objects.setdefault(case.model, obj)
        ids.setdefault(case.model, set()).add(obj.pk)
    # The sample development record is the one with a step awaiting approval, so approving it is a real attempt.
    from cadres.models import DevelopmentRecord, DevelopmentStep

    objects[DevelopmentRecord] = objects[DevelopmentStep].record
    ids[DevelopmentRecord].add(objects[DevelopmentRecord].pk)
    a = county["township_a"]
    # Lower roles of township A (accounts/roles.py). The department handler and the external system sit at the
    # township itself, so every object of the township is in their view scope and only a role check can stop them.
    lower = {
        "secretary": users["secretary_a1"],
        "grid_worker": factories.user_with_role("sweep_grid_worker", Role.GRID_WORKER, county["grid_a1"]),
        "department_handler": factories.user_with_role("sweep_handler", Role.DEPARTMENT_HANDLER, a),
        "woodpecker": wp_helpers.woodpecker(county["grid_a1"], username="sweep_woodpecker", name="扫描啄木鸟").user,
        "external": factories.user_with_role("sweep_external", Role.EXTERNAL_SYSTEM, a),
    }
    # Generated accounts (the woodpecker's) must change their password before anything else, when the portal asks
    # that (issue 9); the sweep's users have, so their requests reach the views under test.
    from accounts.models import User

    if any(f.name == "must_change_password" for f in User._meta.get_fields()):
        User.objects.filter(pk__in=[u.pk for u in lower.values()]).update(must_change_password=False)
    # Models of the admin that are not scoped models with a scope case.
    group = Group.objects.create(name="sweep-group")
    objects[Group] = group
    token = Token.objects.create(user=lower["secretary"])
    from rest_framework.authtoken.admin import TokenProxy

    objects[TokenProxy] = TokenProxy.objects.get(pk=token.pk)
    entry = AuditEntry.objects.filter(unit__path__startswith=a.path).order_by("pk").first()
    if entry is not None:
        objects[AuditEntry] = entry
        ids[AuditEntry] = {entry.pk}
    objects.setdefault(Woodpecker, Woodpecker.objects.get(user=lower["woodpecker"]))
    # An account of township A for the account pages (grant, revoke, reset, deactivate, delete).
    users["account_a"] = factories.user_with_role("sweep_account_a", Role.SECRETARY, county["village_a2"])
    _security_objects(objects, ids, users)

    units_a = [u for key, u in county.items() if u.path.startswith(a.path)]
    markers = [u.name for u in units_a] + [u.code for u in units_a]
    markers += [p.name for p in Person.objects.filter(unit__path__startswith=a.path)]
    return World(county, users, objects, lower, sorted(set(markers), key=len, reverse=True), ids)


# --- URL kwargs ----------------------------------------------------------------------------------------------------


def _pk(model_path):
    """Sample: the pk of the township-A object of `app_label.Model`."""

    def make(w):
        from django.apps import apps

        model = apps.get_model(model_path)
        return [Sample({"pk": w.obj(model).pk}, model=model)]

    return make


def _unit(key, name="pk", owned=True, model="organizations.OrganizationUnit"):
    def make(w):
        from django.apps import apps

        return [Sample({name: w.county[key].pk}, owned, apps.get_model(model))]

    return make


def _actions(model_path, names, kwarg):
    def make(w):
        from django.apps import apps

        model = apps.get_model(model_path)
        pk = w.obj(model).pk
        return [Sample({"pk": pk, kwarg: n}, model=model) for n in names]

    return make


def _words(kwarg, names):
    # Kwargs that name a kind of sheet, not an object: nothing of township A is revealed by them.
    return lambda w: [Sample({kwarg: n}, owned=False) for n in names]


def _person():
    from cadres.models import Person

    return Person


def _item_list(w):
    from django.apps import apps

    return w.obj(apps.get_model("reporting.UnitItemList"))


FORMATS = ("xlsx", "csv")
# Every import kind has its export too (core.sheets.export).
IMPORT_KINDS = ["members", "posts", "reserves", "woodpeckers", "goods", "income", "targets", "units"]
CLUE_ACTIONS = ["accept", "reject", "merge", "handle", "dispatch", "recategorize", "start", "resolve", "rate"]

# Page routes (name -> samples). Admin and API routes are filled generically from their model.
PAGE_KWARGS = {
    "organizations:tree_children": _unit("township_a"),
    "organizations:unit_detail": _unit("village_a1"),
    "organizations:unit_create": _unit("village_a1", "parent_pk"),
    "organizations:unit_edit": _unit("village_a1"),
    "organizations:unit_move": _unit("village_a1"),
    "organizations:unit_delete": _unit("village_a2"),
    "organizations:party_org_edit": _unit("village_a1", model="organizations.PartyOrganization"),
    "organizations:boundary_import": _unit("village_a1", model="organizations.UnitBoundary"),
    "cadres:person_detail": _pk("cadres.Person"),
    "cadres:person_edit": _pk("cadres.Person"),
    "cadres:person_reveal": lambda w: [
        Sample({"pk": w.obj(_person()).pk, "field": f}, model=_person()) for f in ("id_number", "mobile")
    ],
    "cadres:member_detail": _pk("cadres.PartyMember"),
    "cadres:member_edit": _pk("cadres.PartyMember"),
    "cadres:member_transfer": _pk("cadres.PartyMember"),
    "cadres:transfer_detail": _pk("cadres.MemberTransfer"),
    "cadres:transfer_action": _actions("cadres.MemberTransfer", ["arrive", "receive", "cancel"], "action"),
    "cadres:development_detail": _pk("cadres.DevelopmentRecord"),
    "cadres:development_propose": _pk("cadres.DevelopmentRecord"),
    "cadres:development_approve": _pk("cadres.DevelopmentStep"),
    "cadres:development_return": _pk("cadres.DevelopmentStep"),
    "cadres:post_detail": _pk("cadres.CadrePost"),
    "cadres:post_end": _pk("cadres.CadrePost"),
    "cadres:elevation_create": _pk("cadres.CadrePost"),
    "cadres:elevation_detail": _pk("cadres.ElevatedManagement"),
    "cadres:vetting_detail": _pk("cadres.JointVetting"),
    "cadres:study_detail": _pk("cadres.DegreeStudy"),
    "cadres:assessment_detail": _pk("cadres.CapabilityAssessment"),
    "cadres:reserve_detail": _pk("cadres.ReserveCadre"),
    "cadres:reserve_action": _actions("cadres.ReserveCadre", ["advance", "drop"], "action"),
    "cadres:training_detail": _pk("cadres.TrainingSession"),
    "grid_woodpecker:clue_detail": _pk("grid_woodpecker.Clue"),
    "grid_woodpecker:clue_action": _actions("grid_woodpecker.Clue", CLUE_ACTIONS, "name"),
    "grid_woodpecker:photo": _pk("grid_woodpecker.CluePhoto"),
    "grid_woodpecker:redeem": _pk("grid_woodpecker.Goods"),
    "grid_woodpecker:goods_stock": _pk("grid_woodpecker.Goods"),
    "grid_woodpecker:counter_station": _pk("grid_woodpecker.Station"),
    "grid_woodpecker:hand_out": _pk("grid_woodpecker.Station"),
    "grid_woodpecker:redemption_detail": _pk("grid_woodpecker.Redemption"),
    "grid_woodpecker:station_edit": _pk("grid_woodpecker.Station"),
    "grid_woodpecker:goods_edit": _pk("grid_woodpecker.Goods"),
    "grid_woodpecker:category_edit": _pk("grid_woodpecker.ClueCategory"),
    "grid_woodpecker:question_add": _pk("grid_woodpecker.ClueCategory"),
    "grid_woodpecker:question_edit": _actions("grid_woodpecker.ClueCategory", ["q1"], "code"),
    "grid_woodpecker:question_move": _actions("grid_woodpecker.ClueCategory", ["q1"], "code"),
    "grid_woodpecker:question_delete": _actions("grid_woodpecker.ClueCategory", ["q1"], "code"),
    "organizations:title_edit": _pk("organizations.DemonstrationTitle"),
    "organizations:title_revoke": _pk("organizations.DemonstrationTitle"),
    "grid_woodpecker:task_take": _pk("grid_woodpecker.InspectionTask"),
    "grid_woodpecker:public": lambda w: [Sample({"code": w.county["grid_a1"].code}, owned=False)],
    "grid_woodpecker:unit_map": _unit("village_a1"),
    "grid_woodpecker:unit_map_data": _unit("village_a1"),
    "grid_woodpecker:woodpecker_detail": _pk("grid_woodpecker.Woodpecker"),
    "grid_woodpecker:woodpecker_action": _actions(
        "grid_woodpecker.Woodpecker", ["confirm", "deactivate", "lead"], "name"
    ),
    "grid_woodpecker:redemption_action": _actions("grid_woodpecker.Redemption", ["confirm", "cancel"], "name"),
    "collective_economy:township": _unit("township_a"),
    "collective_economy:city": _unit("city", owned=False),
    "collective_economy:village": _unit("village_a1"),
    "collective_economy:report_submit": _unit("village_a2", "village_pk", model="collective_economy.IncomeReport"),
    "collective_economy:project_create": _unit("village_a1", "village_pk", model="collective_economy.Project"),
    "reporting:report": _pk("reporting.Report"),
    "reporting:report_draft": _pk("reporting.Report"),
    "reporting:report_approve": _pk("reporting.Report"),
    "reporting:report_send_back": _pk("reporting.Report"),
    "reporting:report_reopen": _pk("reporting.Report"),
    "reporting:form_items": lambda w: [Sample({"form_pk": _item_list(w).form_id}, owned=False)],
    "reporting:unit_items": lambda w: [
        Sample({"form_pk": _item_list(w).form_id, "unit_pk": _item_list(w).unit_id}, model=type(_item_list(w)))
    ],
    "reporting:attachment": _pk("reporting.ReportAttachment"),
    "reporting:form_detail": _pk("reporting.ReportForm"),
    "reporting:form_edit": _pk("reporting.ReportForm"),
    "reporting:form_publish": _pk("reporting.ReportForm"),
    "reporting:form_new_version": _pk("reporting.ReportForm"),
    "reporting:section_add": _pk("reporting.FormVersion"),
    "reporting:rule_add": _pk("reporting.FormVersion"),
    "reporting:section_edit": _pk("reporting.FormSection"),
    "reporting:section_delete": _pk("reporting.FormSection"),
    "reporting:section_move": _pk("reporting.FormSection"),
    "reporting:field_add": _pk("reporting.FormSection"),
    "reporting:field_edit": _pk("reporting.FormField"),
    "reporting:field_delete": _pk("reporting.FormField"),
    "reporting:field_move": _pk("reporting.FormField"),
    "reporting:rule_edit": _pk("reporting.ValidationRule"),
    "reporting:rule_delete": _pk("reporting.ValidationRule"),
    "clients:detail": _pk("clients.SystemClient"),
    "clients:edit": _pk("clients.SystemClient"),
    "clients:rotate": _pk("clients.SystemClient"),
    "clients:revoke": _pk("clients.SystemClient"),
    "collective_economy:report": _pk("collective_economy.IncomeReport"),
    "collective_economy:report_edit": _pk("collective_economy.IncomeReport"),
    "collective_economy:report_correct": _pk("collective_economy.IncomeReport"),
    "collective_economy:report_approve": _pk("collective_economy.IncomeReport"),
    "collective_economy:report_send_back": _pk("collective_economy.IncomeReport"),
    "collective_economy:project_edit": _pk("collective_economy.Project"),
    "collective_economy:competition": _pk("collective_economy.ProjectCompetition"),
    "goals:dashboard": _unit("township_a"),
    "goals:dashboard_print": _unit("township_a"),
    "goals:dashboard_export": _unit("township_a"),
    "goals:missing": _unit("township_a"),
    "goals:report_confirm": _unit("village_a1", model="goals.ReportConfirmation"),
    "goals:targets": _unit("township_a", model="goals.Target"),
    "goals:targets_defaults": _unit("township_a", model="goals.Target"),
    "goals:target_delete": _pk("goals.Target"),
    "goals:target_hand_down": _pk("goals.Target"),
    "goals:form_indicator_edit": _pk("goals.FormIndicator"),
    "goals:form_indicator_retire": _pk("goals.FormIndicator"),
    "open311:service": lambda w: [Sample({"code": "lights"}, owned=False)],
    "open311:request": _pk("grid_woodpecker.Clue"),
    # A public photo's token (none is cleared in the sweep's world: the address answers 404 to everyone).
    "open311:media": lambda w: [Sample({"token": "sweep-token-of-no-photo"}, owned=False)],
    # The sheet imports (core.sheets): the kinds are words; a job belongs to its uploader (township A's staff).
    "imports:start": _words("kind", IMPORT_KINDS),
    "sheets:template": _words("kind", IMPORT_KINDS),
    "sheets:export": lambda w: [Sample({"kind": k, "fmt": f}, owned=False) for k in IMPORT_KINDS for f in FORMATS],
}


def _import_job(w):
    from core.models import ImportJob

    job = ImportJob.objects.filter(uploader=w.users["staff_a"]).first() or ImportJob.objects.create(
        kind="members", uploader=w.users["staff_a"], file_name="sweep.csv", token="sweep", status="ready"
    )
    return [Sample({"pk": job.pk}, model=ImportJob)]


PAGE_KWARGS.update({f"imports:{name}": _import_job for name in ("job", "progress", "errors")})
PAGE_KWARGS.update(
    {f"webhooks:{name}": _pk("webhooks.Subscription") for name in ("detail", "pause", "resume", "rotate")}
)


def _account(extra=None):
    """The township-A account of the account pages (and, for `extra`, its role assignment)."""

    def make(w):
        from accounts.models import User

        user = w.users["account_a"]
        kwargs = {"pk": user.pk}
        if extra:
            kwargs[extra] = user.role_assignments.get().pk
        return [Sample(kwargs, model=User)]

    return make


# The account pages (issue 9's grant ladder), when present.
PAGE_KWARGS.update(
    {
        f"accounts:{name}": _account()
        for name in ("detail", "edit", "grant", "deactivate", "reactivate", "password_reset", "delete")
    }
)
PAGE_KWARGS["accounts:revoke"] = _account("assignment_pk")


def _bulk_kinds(w):
    """The bulk exchange's kinds: the income (every township's), and the answers of township A's report form."""
    from django.apps import apps

    form = w.obj(apps.get_model("reporting.ReportForm"))
    return [
        Sample({"kind": "income"}, owned=False, model=apps.get_model("collective_economy.IncomeReport")),
        Sample({"kind": f"report_{form.pk}"}, model=apps.get_model("reporting.Report")),
    ]


# API routes whose model is not township data or whose lookup is not the model's pk.
API_KWARGS = {
    "indicator-detail": lambda w: [Sample({"key": "demonstration_villages"}, owned=False)],
    "dashboard-detail": _unit("township_a", model="goals.RollupValue"),
    "dashboard-missing": _unit("township_a", model="goals.RollupValue"),
    "report-completeness-detail": _unit("township_a", model="reporting.Report"),
    "api-bulk": _bulk_kinds,
}


def samples(route: Route, world: World) -> list[Sample]:
    """Every way the sweep fills `route`'s kwargs (one Sample when the route has none)."""
    names = [k for k in route.kwargs if k != "format"]
    fixed = {"format": "json"} if "format" in route.kwargs else {}
    if not names:
        return [Sample(dict(fixed), owned=False)]
    if route.kind in {"page", "open311"}:
        if route.name not in PAGE_KWARGS:
            raise MissingSample(f"no sample kwargs for page route {route.id}: add it to PAGE_KWARGS in tests/sweep.py")
        return [Sample({**s.kwargs, **fixed}, s.owned, s.model) for s in PAGE_KWARGS[route.name](world)]
    if route.kind == "api":
        base = route.name
        if base in API_KWARGS:
            return [Sample({**s.kwargs, **fixed}, s.owned, s.model) for s in API_KWARGS[base](world)]
        model = route.model
        if names == ["pk"] and model is not None:
            obj = world.obj(model)
            return [Sample({"pk": obj.pk, **fixed}, model in world.ids, model)]
        raise MissingSample(f"no sample kwargs for API route {route.id}: add it to API_KWARGS in tests/sweep.py")
    # The admin.
    if names == ["url"]:  # the catch-all that answers 404 (or the login page) for unknown admin paths
        return [Sample({"url": "no-such-page/"}, owned=False)]
    if names == ["app_label"]:
        return [Sample({"app_label": "cadres"}, owned=False)]
    if names == ["content_type_id", "object_id"]:  # "view on site" of a township-A person
        person = world.obj(_person())
        ct = ContentType.objects.get_for_model(type(person))
        return [Sample({"content_type_id": ct.pk, "object_id": person.pk})]
    model = route.model
    if model is None:
        raise MissingSample(f"no model for admin route {route.id}")
    obj = world.obj(model)
    key = names[0]
    if names == [key] and key in ("object_id", "id", "pk"):
        return [Sample({key: obj.pk}, model in world.ids or model._meta.label in OWNED_UNSCOPED, model)]
    raise MissingSample(f"no sample kwargs for admin route {route.id}")


# Admin models without a scope case whose sample object still belongs to township A.
OWNED_UNSCOPED = {"authtoken.TokenProxy"}


def today() -> str:
    return str(timezone.localdate())
