"""The single scoping path: which rows of any model a user may see or change.

A scoped model names, in `scope_field`, the lookup from itself to its OrganizationUnit ("unit",
"member__unit", …; "" for OrganizationUnit itself; a tuple of lookups when either side may see it, as for a
transfer between two units). A user's jurisdiction is the union of the subtrees of the units in their role
assignments; every view, viewset, admin, export and dashboard calls `restrict()` (or
`Model.objects.restrict()`) and nothing filters by hand. Objects outside the jurisdiction are not found (404).
"""

from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Now, Substr

from .roles import STAFF_ROLES, Role

VIEW = "view"
CHANGE = "change"


def _collapse(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies inside another one of the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_paths(user, *, roles: Iterable[str] | None = None) -> list[str]:
    """Materialized paths of the subtree roots the user holds, limited to `roles` when given.

    Cached on the user object for the request, so a page that restricts several querysets asks once.
    """
    if user is None or not user.is_authenticated:
        return []
    cache = user.__dict__.setdefault("_scope_paths_cache", {})
    key = None if roles is None else frozenset(roles)
    if key not in cache:
        # One query for every role set the request asks about (a page with several queues asks for several).
        if "_held_paths" not in user.__dict__:
            user.__dict__["_held_paths"] = list(user.role_assignments.values_list("role", "unit__path"))
        held = user.__dict__["_held_paths"]
        cache[key] = _collapse(path for role, path in held if key is None or role in key)
    return cache[key]


def path_lookup(model: type[models.Model], name: str) -> str:
    """The lookup of the materialized path of the unit that `name` (a lookup from `model` to a unit) reaches.

    A busy table caches its unit's path in a column of its own (`scope_path_cache = {"unit": "unit_path"}`, the
    idea of NetBox's CachedScopeMixin): the filter then runs on that table's own prefix index instead of a join to
    the tree. A lookup through a relation ("clue__grid") uses the cache of the model it reaches ("clue__grid_path").
    """
    if not name:
        return "path"
    *through, last = name.split("__")
    target: type[models.Model] | None = model
    for step in through:
        target = target._meta.get_field(step).related_model if target is not None else None
    cached = getattr(target, "scope_path_cache", {}).get(last)
    return "__".join([*through, cached]) if cached else f"{name}__path"


def scope_q(model: type[models.Model], paths: Iterable[str]) -> Q:
    """A Q that keeps the rows of `model` whose unit lies in one of the subtrees `paths`."""
    field = getattr(model, "scope_field", None)
    if field is None:
        raise TypeError(f"{model.__name__} has no scope_field and cannot be scoped")
    # A tuple names several ways to a unit (a transfer's two sides): a row is in scope when any of them is.
    fields = field if isinstance(field, tuple | list) else (field,)
    lookups = [f"{path_lookup(model, name)}__startswith" for name in fields]
    q = Q(pk__in=[])
    for path in paths:
        for lookup in lookups:
            q |= Q(**{lookup: path})
    return q


def write_roles(model: type[models.Model]):
    return tuple(getattr(model, "scope_write_roles", STAFF_ROLES))


def roles_for(model: type[models.Model], action: str, queryset=None) -> tuple | None:
    """The roles that may do `action` on records of `model` inside their subtrees (None: every role).

    VIEW: `scope_view_roles` (default every role; a queryset class may set `default_view_roles`); CHANGE:
    `scope_write_roles` (default organization-department and township staff); any other action: the model's
    `scope_actions[action]`. An undeclared action is a programming error, so a typo never allows or refuses silently.
    """
    if action == VIEW:
        return getattr(model, "scope_view_roles", getattr(queryset, "default_view_roles", None))
    if action == CHANGE:
        return write_roles(model)
    declared = getattr(model, "scope_actions", {})
    if action not in declared:
        raise ValueError(f"{model.__name__} declares no action {action!r} (add it to scope_actions)")
    return tuple(declared[action])


def department_paths(user, model: type[models.Model], action: str) -> list[str]:
    """Paths of the departments on whose rows of `model` the user may do `action` as a department handler (the
    model's `scope_department_field` and `scope_department_actions`); [] when the model declares no department."""
    if not getattr(model, "scope_department_field", None):
        return []
    if action not in getattr(model, "scope_department_actions", (VIEW, CHANGE)):
        return []
    return scope_paths(user, roles=[Role.DEPARTMENT_HANDLER])


def department_q(model: type[models.Model], user, action: str) -> Q:
    """A Q keeping the rows of `model` dispatched to a department where `user` may do `action` (`department_paths`)."""
    q = Q(pk__in=[])
    for path in department_paths(user, model, action):
        q |= Q(**{f"{getattr(model, 'scope_department_field', '')}__path__startswith": path})
    return q


def action_q(model: type[models.Model], user, action: str, queryset=None) -> Q:
    """A Q keeping the rows of `model` on which the (authenticated, non-superuser) `user` may do `action`.

    - the subtrees of the user's roles that hold `action` (`roles_for`);
    - `scope_department_field`: a lookup to a unit; department handlers may do `scope_department_actions`
      (default VIEW and CHANGE) on the rows dispatched to their department;
    - `scope_owner_field`: a lookup to a User who may do `scope_owner_actions` (default VIEW) on their own rows
      wherever they lie.
    """
    if action == VIEW and getattr(model, "scope_follows_model", None):
        return follows_model_q(model, user)
    q = scope_q(model, scope_paths(user, roles=roles_for(model, action, queryset))) | department_q(model, user, action)
    owner_field = getattr(model, "scope_owner_field", None)
    if owner_field and action in getattr(model, "scope_owner_actions", (VIEW,)):
        q |= Q(OwnRows(model, owner_field, user))
    return q


def follows_model_q(model: type[models.Model], user, *, path_column: str | None = None) -> Q:
    """A feed about rows of other models (core.Tombstone, its `scope_follows_model` field holding "app.model"):
    each row is visible where the row it names lay, to the roles that may view that model (`roles_for`); one
    prefix test per distinct set of subtrees, however many models share it. `path_column` asks the same of another
    path column of the feed (a moved record's new place) instead of its scope."""
    field = model.scope_follows_model  # type: ignore[attr-defined]
    groups: dict[tuple[str, ...], list[str]] = {}
    for other in apps.get_models():
        if other is model or getattr(other, "scope_field", None) is None:
            continue
        paths = tuple(scope_paths(user, roles=roles_for(other, VIEW, other._default_manager.all())))
        if paths:
            groups.setdefault(paths, []).append(other._meta.label_lower)
    q = Q(pk__in=[])
    for paths, labels in groups.items():
        where = scope_q(model, paths) if path_column is None else _prefix_q(path_column, paths)
        q |= Q(**{f"{field}__in": labels}) & where
    return q


def _prefix_q(column: str, paths: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{column}__startswith": path})
    return q


class OwnRows(models.Func):
    """`pk = ANY(ARRAY(SELECT pk … WHERE <owner_field> = user))`: the rows a user owns, found through the owner's
    own index first, so that OR-ed with a path prefix the plan stays two index scans (a join in the OR would make
    PostgreSQL read the whole table). Elsewhere, `pk IN (…)`."""

    output_field = models.BooleanField()
    conditional = True
    template = "%(expressions)s))"
    arg_joiner = " = ANY(ARRAY("

    def __init__(self, model, owner_field: str, user):
        owned = model._base_manager.filter(**{owner_field: user}).order_by().values("pk")
        super().__init__(models.F("pk"), models.Subquery(owned))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="%(expressions)s", arg_joiner=" IN ", **extra)


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The rows of `queryset` on which `user` may do `action` (VIEW, CHANGE or any action the model declares).

    See `roles_for` and `action_q` for what a model declares; `accounts.permissions.can()` answers the same question
    for one object.
    """
    if user is None or not user.is_authenticated or not getattr(user, "is_active", True):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(action_q(queryset.model, user, action, queryset))


def fill_scope_paths(model: type[models.Model], objs, fields: Iterable[str] | None = None) -> list[str]:
    """Set the cached unit paths (`scope_path_cache`) of `objs` from their units; returns the columns set.

    `fields` limits it to those foreign keys (a save with `update_fields`). One query for all the objects, none
    when each unit is already loaded on its object.
    """
    cache = getattr(model, "scope_path_cache", {})
    names = [name for name in cache if fields is None or name in fields]
    if not names:
        return []
    missing = set()
    for obj in objs:
        for name in names:
            unit_id = getattr(obj, f"{name}_id")
            loaded = obj._state.fields_cache.get(name)
            if unit_id is not None and (loaded is None or loaded.pk != unit_id):
                missing.add(unit_id)
    unit_model = apps.get_model("organizations", "OrganizationUnit")
    paths = dict(unit_model.objects.filter(pk__in=missing).values_list("pk", "path")) if missing else {}
    for obj in objs:
        for name in names:
            unit_id = getattr(obj, f"{name}_id")
            loaded = obj._state.fields_cache.get(name)
            path = loaded.path if loaded is not None and loaded.pk == unit_id else paths.get(unit_id, "")
            setattr(obj, cache[name], path if unit_id is not None else "")
    return [cache[name] for name in names]


def repath_cached(old_path: str, new_path: str) -> int:
    """After a subtree moves from `old_path` to `new_path`, rewrite the cached paths of every busy table."""
    changed = 0
    for model in apps.get_models():
        for column in getattr(model, "scope_path_cache", {}).values():
            # Moved rows count as changed for incremental sync (updated_since): the new subtree's clients see them.
            touched = {"updated_at": Now()} if any(f.name == "updated_at" for f in model._meta.fields) else {}
            changed += model._base_manager.filter(**{f"{column}__startswith": old_path}).update(
                **{column: Concat(Value(new_path), Substr(column, len(old_path) + 1))}, **touched
            )
    return changed


def backfill_cached_paths(label: str, columns: dict[str, str]):
    """A migration's RunPython function: copy each row's unit path into its cached column (`scope_path_cache`),
    one UPDATE per column with a correlated subquery."""

    def run(apps, schema_editor):
        model = apps.get_model(label)
        unit = apps.get_model("organizations", "OrganizationUnit")
        for fk, column in columns.items():
            path = unit.objects.filter(pk=OuterRef(f"{fk}_id")).values("path")[:1]
            model.objects.filter(**{f"{fk}__isnull": False}).update(**{column: Subquery(path)})

    return run


def dispatched(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The rows of `queryset` dispatched to the user's departments on which they may do `action` (a department
    handler's queue), whatever else their other roles let them see."""
    return restrict(queryset, user, action).filter(department_q(queryset.model, user, action))


class ScopedQuerySet(models.QuerySet):
    """A queryset that can restrict itself to a user's jurisdiction: `Model.objects.restrict(user, "change")`."""

    def restrict(self, user, action: str = VIEW):
        return restrict(self, user, action)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_scope_paths(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)


class CachedScopePathMixin(models.Model):
    """A model that caches its units' paths (`scope_path_cache`): every save sets them from the units.

    The paths a row was read with are kept (`loaded_scope_paths`), so that a save moving it to another unit can be
    told from one that doesn't (core.tombstones: the old place's deletion feed hears that it left)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        columns = fill_scope_paths(type(self), [self], None if update_fields is None else set(update_fields))
        if update_fields is not None and columns:
            kwargs["update_fields"] = {*update_fields, *columns}
        return super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_scope_paths = {
            column: instance.__dict__[column] for column in cls.scope_path_cache.values() if column in instance.__dict__
        }
        return instance
