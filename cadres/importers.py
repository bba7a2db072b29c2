"""Sheet imports of members, cadre posts and reserve cadres on the engine (core.sheets).

Lookups are made once per sheet: units in the importer's scope by code or name (organizations.selectors), people
by the keyed hash of their ID number, existing records by person. Members are written in bulk (48,000 rows in a
few queries); posts and reserves, fewer and richer, through their services. Roll-ups are announced once per sheet
(`core.events`, after commit).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import CHANGE, IMPORT, VIEW, restrict, units_for
from core import audit, crypto, events
from core.sheets.importers import Counts, Importer, register
from core.sheets.spec import Column, SheetSpec
from organizations.selectors import units_for_sheet

from . import services
from .models import (
    CadrePost,
    Committee,
    EducationLevel,
    EmploymentType,
    MemberStatus,
    Nomination,
    PartyMember,
    Person,
    PostKind,
    ReserveCadre,
    ReservePost,
    ReserveStage,
)
from .services.cadres import post_update
from .services.reserves import reserve_update
from .validators import normalize_mobile, parse_resident_id

CLOSED_RESERVE_STAGES = (ReserveStage.DROPPED, ReserveStage.APPOINTED)


def _choices(choices) -> tuple:
    return tuple((value, str(label)) for value, label in choices)


# A registered person's code (Person.code): what an export carries instead of the ID number (core.sheets.export),
# so that the export goes back in unchanged as an update. A row gives the ID number, the code, or both (agreeing).
PERSON_CODE = Column("person_code", "人员编码", ("人员代码",), help="系统生成的人员编码，填写后按编码匹配已登记人员")
PERSON_KEYS = (("id_number", "person_code"),)  # a sheet names its people by one or the other (or both)
PERSON_COLUMNS = (
    PERSON_CODE,
    Column("name", "姓名", required=True),
    Column(
        "id_number",
        "身份证号码",
        ("身份证号", "身份证", "公民身份号码"),
        type="id_number",
        help="新登记人员必填；已有人员可只填人员编码",
    ),
    Column("mobile", "手机号码", ("手机", "手机号", "联系电话"), type="phone"),
    Column("education", "文化程度", ("学历",), type="choice", choices=_choices(EducationLevel.choices)),
)
UNIT = Column("unit_code", "单位编码", ("单位代码", "组织编码", "所在支部", "党支部", "单位"), required=True)


class PersonImporter(Importer):
    """Shared: the unit by code or name, the person by ID number (checked, once per sheet, in scope), the mobile."""

    person_may_exist = True  # cadres and reserves name people already registered; a member sheet registers them

    def prepare(self, table, *, actor, options):
        units = units_for_sheet(actor, self.model, IMPORT, (r.raw.get("unit_code") for r in table.rows))
        # The services would refuse a unit where the importer may not write: such a unit is not found either.
        paths = units_for(actor, self.model, CHANGE)
        self.units = {text: u for text, u in units.items() if any(u.path.startswith(p) for p in paths)}
        self.numbers = {}
        for row in table.rows:
            try:
                self.numbers[row.number] = parse_resident_id(str(row.values.get("id_number") or ""))[0]
            except Exception:  # noqa: BLE001 - reported by check_row as the column's error
                self.numbers[row.number] = None
        hashes = {crypto.search_hash(n) for n in self.numbers.values() if n}
        codes = {str(r.values.get("person_code") or "").strip().upper() for r in table.rows} - {""}
        found = Person.objects.filter(Q(id_number_hash__in=hashes) | Q(code__in=codes))
        self.people = {p.id_number_hash: p for p in found}
        self.by_code = {p.code: p for p in found if p.code in codes}
        self.visible = set(restrict(found, actor, VIEW).values_list("pk", flat=True))
        self.created = {}  # people registered by this sheet's earlier rows, by ID-number hash (see person_for)

    def check_row(self, row, ctx):
        values, errors = row.values, row.errors
        text = (row.raw.get("unit_code") or "").strip()
        unit = self.units.get(text.upper()) or self.units.get(text)
        if text and unit is None:
            errors.setdefault("unit_code", _("No unit with code %(code)s in your jurisdiction.") % {"code": text})
        values["unit"] = unit
        if values.get("mobile"):
            try:
                values["mobile"] = normalize_mobile(str(values["mobile"]))
            except Exception as exc:  # noqa: BLE001 - a ValidationError with the Chinese message
                errors.setdefault("mobile", "；".join(getattr(exc, "messages", [str(exc)])))
        if "id_number" in errors:
            return
        if not values.get("id_number"):
            self.check_by_code(row, ctx)
            return
        try:
            number, _birth, _gender = parse_resident_id(str(values["id_number"]))
        except Exception as exc:  # noqa: BLE001
            errors["id_number"] = "；".join(getattr(exc, "messages", [str(exc)]))
            return
        key = crypto.search_hash(number)
        seen = self.duplicate_key(row, key)
        if seen in ctx.seen:
            errors["id_number"] = _("This ID number already appears on line %(line)d of the sheet.") % {
                "line": ctx.seen[seen]
            }
            return
        ctx.seen[seen] = row.number
        values["id_hash"], values["id_clean"] = key, number
        person = self.people.get(key)
        values["person"] = person
        code = str(values.get("person_code") or "").strip().upper()
        if code and (person is None or person.code != code):
            errors["person_code"] = _("The person code does not belong to the owner of this ID number.")
            return
        self.check_person(row, person, ctx)

    def check_by_code(self, row, ctx):
        """A row without an ID number names a registered person by their code (an export read back)."""
        values, errors = row.values, row.errors
        code = str(values.get("person_code") or "").strip().upper()
        if not code:
            errors["id_number"] = _("Give the ID number (or the person code of a registered person).")
            return
        person = self.by_code.get(code)
        if person is None or person.pk not in self.visible:
            errors["person_code"] = _("No person with code %(code)s in your jurisdiction.") % {"code": code}
            return
        seen = self.duplicate_key(row, person.id_number_hash)
        if seen in ctx.seen:
            errors["person_code"] = _("This person already appears on line %(line)d of the sheet.") % {
                "line": ctx.seen[seen]
            }
            return
        ctx.seen[seen] = row.number
        values["id_hash"], values["person"] = person.id_number_hash, person
        self.check_person(row, person, ctx)

    def duplicate_key(self, row, id_hash):
        """What a row must not share with an earlier row of the sheet: its person (a member sheet); posts and
        reserves name a person once per record (a person may hold two posts)."""
        return id_hash

    def check_person(self, row, person, ctx):
        values, errors = row.values, row.errors
        if person is None:
            return
        if person.pk not in self.visible:
            errors["id_number"] = _("A person with this ID number is registered outside your jurisdiction.")
        elif values.get("name") and person.name != str(values["name"]).strip():
            errors["name"] = _("The name differs from the registered owner of this ID number (%(name)s).") % {
                "name": person.name
            }
        elif not self.person_may_exist:
            self.existing_person(row, person, ctx)
        else:
            self.existing_record(row, person, ctx)

    def existing_person(self, row, person, ctx):
        row.errors["id_number"] = _("A person with this ID number is already registered.")

    def existing_record(self, row, person, ctx):
        """A registered person named by a cadre or reserve row: find the record the row updates (override)."""

    def exists(self, row, ctx, record) -> bool:
        """Whether the row may update `record`, its existing record: with "update existing records" only (else the
        row's error, on the column that named the person)."""
        if ctx.update_existing:
            row.values["record"] = record
            return True
        column = "id_number" if row.values.get("id_number") else "person_code"
        row.errors[column] = _("This record exists already: choose “update existing records”.")
        return False

    def person_for(self, row, *, actor):
        values = row.values
        if values.get("person") is not None:
            return values["person"]
        if values["id_hash"] in self.created:  # the same new person on an earlier row (another post)
            return self.created[values["id_hash"]]
        person = services.person_create(
            name=values["name"],
            id_number=values["id_clean"],
            unit=values["unit"],
            actor=actor,
            mobile=values.get("mobile") or "",
            education=values.get("education") or "",
        )
        self.created[values["id_hash"]] = person
        return person


def _unit_key(row):
    unit = row.values.get("unit")
    return unit.pk if unit is not None else (row.raw.get("unit_code") or "").strip()


@register
class MemberImporter(PersonImporter):
    spec = SheetSpec(
        kind="members",
        title="党员信息",
        either=PERSON_KEYS,
        columns=(
            *PERSON_COLUMNS,
            Column("employment_type", "从业类型", ("职业",), type="choice", choices=_choices(EmploymentType.choices)),
            UNIT,
            Column(
                "status",
                "党员类别",
                ("党员状态",),
                type="choice",
                required=True,
                choices=_choices(MemberStatus.choices),
            ),
            Column("joined_on", "入党日期", ("入党时间",), type="date", required=True),
        ),
    )
    model = PartyMember
    list_url = "cadres:member_list"
    person_may_exist = False

    def prepare(self, table, *, actor, options):
        super().prepare(table, actor=actor, options=options)
        members = PartyMember.objects.filter(person__id_number_hash__in=list(self.people)).select_related("person")
        self.members = {m.person.id_number_hash: m for m in members}
        self.changeable = set(restrict(members, actor, CHANGE).values_list("pk", flat=True))

    def existing_person(self, row, person, ctx):
        member = self.members.get(person.id_number_hash)
        if member is None:  # registered (as a cadre, a woodpecker) but not a member yet: becomes one
            row.values["person"] = person
        elif not ctx.update_existing:
            row.errors["id_number"] = _("This person is already registered as a party member.")
        elif member.pk not in self.changeable:
            row.errors["id_number"] = _("A person with this ID number is registered outside your jurisdiction.")
        else:
            row.values["member"] = member

    def write(self, rows, *, actor, options):
        counts = Counts()
        new_people, new_members, changed = [], [], []
        for row in rows:
            v = row.values
            member = v.get("member")
            if member is not None:
                before = {f: getattr(member, f) for f in ("unit_id", "status", "joined_on")}
                member.unit, member.status, member.joined_on = v["unit"], v["status"], v["joined_on"]
                delta = audit.diff(member, before, before)
                if delta:
                    changed.append((member, delta))
                else:
                    counts.unchanged += 1
                continue
            person = v.get("person")
            if person is None:
                person = _new_person(v)
                new_people.append(person)
            new_members.append(PartyMember(person=person, unit=v["unit"], status=v["status"], joined_on=v["joined_on"]))
        with transaction.atomic():
            Person.objects.bulk_create(new_people, batch_size=2000)
            PartyMember.objects.bulk_create(new_members, batch_size=2000)
            for member, _d in changed:
                member.updated_at = timezone.now()  # bulk_update does not touch auto_now fields
            PartyMember.objects.bulk_update(
                [m for m, _d in changed], ["unit", "status", "joined_on", "updated_at"], batch_size=2000
            )
            audit.record_many(actor=actor, action="person.create", items=((p, p.unit, {}) for p in new_people))
            audit.record_many(actor=actor, action="member.create", items=((m, m.unit, {}) for m in new_members))
            audit.record_many(actor=actor, action="member.update", items=((m, m.unit, d) for m, d in changed))
            units = {m.unit_id for m in new_members} | {m.unit_id for m, _d in changed}
            # A member counts in every year since joining: one announcement for all years, after commit.
            events.records_changed(source="cadres", unit_ids=units, year=None)
        counts.created, counts.updated = len(new_members), len(changed)
        return counts


def _new_person(values) -> Person:
    _number, birth, gender = parse_resident_id(values["id_clean"])
    person = Person(
        name=str(values["name"]).strip(),
        gender=gender,
        birth_date=birth,
        unit=values["unit"],
        education=values.get("education") or "",
        employment_type=values.get("employment_type") or "",
    )
    person.set_id_number(values["id_clean"])
    if values.get("mobile"):
        person.set_mobile(values["mobile"])
    return person


@register
class CadrePostImporter(PersonImporter):
    spec = SheetSpec(
        kind="posts",
        title="干部任职",
        either=PERSON_KEYS,
        columns=(
            *PERSON_COLUMNS,
            UNIT,
            Column("committee", "班子", type="choice", choices=_choices(Committee.choices)),
            Column("post", "职务", type="choice", required=True, choices=_choices(PostKind.choices)),
            Column("is_one_shoulder", "一肩挑", type="bool"),
            Column("term_start_year", "任期起始（换届年份）", ("换届年份", "任期起始"), type="int", required=True),
            Column("started_on", "任职日期", ("任职时间",), type="date", required=True),
        ),
    )
    model = CadrePost
    list_url = "cadres:post_list"

    def prepare(self, table, *, actor, options):
        super().prepare(table, actor=actor, options=options)
        people = {p.pk for p in self.people.values()}
        units = {u.pk for u in self.units.values()}
        sitting = CadrePost.objects.filter(ended_on__isnull=True).filter(
            Q(person_id__in=people) | Q(unit_id__in=units, post=PostKind.SECRETARY)
        )
        self.posts, self.secretaries = {}, {}
        for post in restrict(sitting, actor, CHANGE).order_by("pk"):
            self.posts.setdefault((post.person_id, post.unit_id, post.post), []).append(post)
            if post.post == PostKind.SECRETARY:
                self.secretaries[post.unit_id] = post

    def duplicate_key(self, row, id_hash):
        values = row.values
        return (id_hash, _unit_key(row), values.get("post"), values.get("committee") or Committee.PARTY)

    def check_row(self, row, ctx):
        super().check_row(row, ctx)
        values, errors = row.values, row.errors
        year = values.get("term_start_year")
        if year is not None and not 1949 <= int(year) <= 2100:
            errors.setdefault("term_start_year", _("Enter a year such as 2021."))
        if errors or values.get("post") != PostKind.SECRETARY or values.get("record") is not None:
            return
        # A new secretary: the unit's seat must be free, in the database and in the sheet.
        unit = values["unit"]
        if unit.pk in self.secretaries or ("secretary", unit.pk) in ctx.seen:
            errors["post"] = _("This unit already has a sitting secretary; end that post first.")
        ctx.seen[("secretary", unit.pk)] = row.number

    def existing_record(self, row, person, ctx):
        """The person's sitting post of this kind in this unit (the one in the row's committee, if several)."""
        values = row.values
        if values.get("unit") is None or not values.get("post"):
            return
        candidates = self.posts.get((person.pk, values["unit"].pk, values["post"]), [])
        committee = values.get("committee") or Committee.PARTY
        same = [post for post in candidates if post.committee == committee]
        record = same[0] if same else candidates[0] if len(candidates) == 1 else None
        if record is None:
            if candidates:  # several posts of this kind, none in the row's committee: which one is meant?
                row.errors["committee"] = _("This person holds this post in several committees; choose one of them.")
            return
        if ("post", record.pk) in ctx.seen:
            row.errors["post"] = _("This person already appears on line %(line)d of the sheet.") % {
                "line": ctx.seen[("post", record.pk)]
            }
            return
        ctx.seen[("post", record.pk)] = row.number
        self.exists(row, ctx, record)

    def write(self, rows, *, actor, options):
        counts = Counts()
        for row in rows:
            v = row.values
            fields = {
                "committee": v.get("committee") or Committee.PARTY,
                "is_one_shoulder": bool(v.get("is_one_shoulder")),
                "term_start_year": int(v["term_start_year"]),
                "started_on": v["started_on"],
            }
            post = v.get("record")
            if post is None:
                person = self.person_for(row, actor=actor)
                services.post_create(person=person, unit=v["unit"], post=v["post"], actor=actor, **fields)
                counts.created += 1
            elif all(getattr(post, name) == value for name, value in fields.items()):
                counts.unchanged += 1
            else:
                post_update(post=post, actor=actor, **fields)
                counts.updated += 1
        return counts


@register
class ReserveImporter(PersonImporter):
    spec = SheetSpec(
        kind="reserves",
        title="后备干部",
        either=PERSON_KEYS,
        columns=(
            *PERSON_COLUMNS,
            UNIT,
            Column("post_for", "后备岗位", type="choice", required=True, choices=_choices(ReservePost.choices)),
            Column("nomination", "产生方式", type="choice", required=True, choices=_choices(Nomination.choices)),
            Column("nominated_on", "提名日期", ("提名时间",), type="date", required=True),
        ),
    )
    model = ReserveCadre
    list_url = "cadres:reserve_list"

    def prepare(self, table, *, actor, options):
        super().prepare(table, actor=actor, options=options)
        people = {p.pk for p in self.people.values()}
        open_ = ReserveCadre.objects.filter(person_id__in=people).exclude(stage__in=CLOSED_RESERVE_STAGES)
        # One open record per person, unit and post (a database constraint).
        self.reserves = {(r.person_id, r.unit_id, r.post_for): r for r in restrict(open_, actor, CHANGE)}

    def duplicate_key(self, row, id_hash):
        return (id_hash, _unit_key(row), row.values.get("post_for"))

    def existing_record(self, row, person, ctx):
        values = row.values
        if values.get("unit") is None or not values.get("post_for"):
            return
        record = self.reserves.get((person.pk, values["unit"].pk, values["post_for"]))
        if record is not None:
            self.exists(row, ctx, record)

    def write(self, rows, *, actor, options):
        counts = Counts()
        for row in rows:
            v = row.values
            fields = {"nomination": v["nomination"], "nominated_on": v["nominated_on"]}
            reserve = v.get("record")
            if reserve is None:
                person = self.person_for(row, actor=actor)
                services.reserve_nominate(person=person, unit=v["unit"], post_for=v["post_for"], actor=actor, **fields)
                counts.created += 1
            elif all(getattr(reserve, name) == value for name, value in fields.items()):
                counts.unchanged += 1
            else:
                reserve_update(reserve=reserve, actor=actor, **fields)
                counts.updated += 1
        return counts
