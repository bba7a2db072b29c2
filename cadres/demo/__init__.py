"""Demo people, members, development pipeline, cadres, reserves and training for the demo county.

Proportions follow the seeds' Shishou 2024 figures (docs/domain.md): about 408 activists in reserve, about 210 members
developed in 2024, a one-shoulder secretary in basically every village and community, 143 reserves for secretary
and 241 for other posts (103 publicly recruited), most villages with a reserve under 30 but a few without, 28
cadres studying for a degree, 6 training sessions with 547 person-times. Everything is drawn from ctx.rng and
written through the bulk service helpers, so the whole demo loads in seconds.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.permissions import SYSTEM
from organizations.models import OrganizationUnit, UnitKind

from .. import services
from ..models import (
    CadrePost,
    DevelopmentRecord,
    Direction,
    EducationLevel,
    EmploymentType,
    MemberStatus,
    PartyMember,
    PostKind,
    ReserveStage,
)
from ..validators import id_check_digit
from . import builders

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国军华明志强伟芳丽敏静秀英文杰涛斌超勇艳娟霞平刚辉玲红军峰磊洋春梅兰桂香玉珍凤海波亮林雪松"
REGION = "421081"

ACTIVISTS = 408
DEVELOPED_2024 = 210
TARGETS = 95
APPLICANTS = 160
SECRETARY_RESERVES = 143
OTHER_RESERVES = 241
OPEN_RECRUITED = 103
VILLAGES_WITHOUT_YOUNG_RESERVE = 7
STUDYING = 28
TRAINING_SESSIONS = [
    ("村（社区）党组织书记示范培训班", "city", date(2024, 3, 12), 2, 160),
    ("学习贯彻党的二十届三中全会精神专题培训", "city", date(2024, 8, 20), 1, 140),
    ("村级后备干部能力提升班", "city", date(2024, 5, 8), 3, 95),
    ("发展党员工作业务培训", "city", date(2024, 4, 16), 1, 60),
    ("网格员和“啄木鸟”骨干培训", "township", date(2024, 6, 25), 1, 52),
    ("村级集体经济发展专题培训", "city", date(2024, 10, 15), 2, 40),
]
assert sum(s[4] for s in TRAINING_SESSIONS) == 547


class _People:
    """Draws plausible people (name, valid ID number, phone, education) from the demo's seeded random."""

    def __init__(self, rng):
        self.rng = rng
        self.used: set[str] = set()

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def id_number(self, birth: date, male: bool) -> str:
        while True:
            seq = self.rng.randint(0, 99) * 10 + self.rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
            first17 = f"{REGION}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number

    def row(self, unit, *, age_from: int, age_to: int, education=None, employment="", on=date(2024, 6, 30)):
        rng = self.rng
        birth = on - timedelta(days=rng.randint(age_from * 365 + 1, age_to * 365 - 1))
        if education is None:
            education = rng.choices([e.value for e in EducationLevel], weights=[10, 30, 28, 18, 12, 2])[0]
        return {
            "name": self.name(),
            "id_number": self.id_number(birth, rng.random() < 0.6),
            "unit": unit,
            "mobile": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            "education": education,
            "employment_type": employment,
        }


def _day(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


class DemoCadres:
    """The cadres part of the demo county, step by step (each step a method; the order keeps ctx.rng's draws)."""

    def __init__(self, ctx):
        self.ctx, self.rng = ctx, ctx.rng
        self.draw = _People(ctx.rng)
        units = OrganizationUnit.objects.subtree(ctx.city)
        self.villages = list(units.filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]).order_by("path"))
        self.rural = [v for v in self.villages if v.kind == UnitKind.VILLAGE]
        self.buildings = list(units.filter(kind=UnitKind.BUILDING).order_by("path"))
        self.new_economy = list(units.filter(kind=UnitKind.NEW_ECONOMY))

    def members(self) -> None:
        """Members of every village and community, new-economy riders among them, with their facts."""
        rng, draw = self.rng, self.draw
        villages, buildings, new_economy = self.villages, self.buildings, self.new_economy
        member_rows = []
        for unit in villages:
            for _ in range(rng.randint(2, 4)):
                member_rows.append(draw.row(unit, age_from=25, age_to=85))
        new_economy_riders = []
        for unit in new_economy:
            for _ in range(rng.randint(5, 8)):
                new_economy_riders.append(
                    draw.row(
                        unit,
                        age_from=22,
                        age_to=45,
                        employment=rng.choice([EmploymentType.DELIVERY_RIDER, EmploymentType.COURIER]),
                    )
                )
        people = builders.people_bulk_create(rows=member_rows + new_economy_riders, actor=SYSTEM)
        rows = []
        for person in people:
            joined = _day(rng, max(person.birth_date + timedelta(days=18 * 366), date(1970, 1, 1)), date(2023, 6, 30))
            row = {
                "person": person,
                "unit": person.unit,
                "status": MemberStatus.FULL,
                "joined_on": joined,
                "full_on": joined + timedelta(days=366),
            }
            roll = rng.random()
            if roll < 0.03:
                row.update(
                    is_floating=True,
                    floating_location=rng.choice(
                        ["广东省深圳市", "湖南省华容县", "浙江省杭州市", "武汉市洪山区", "湖南省岳阳市"]
                    ),
                    floating_managing_unit=rng.choice(new_economy) if new_economy else None,
                )
            elif roll < 0.18:
                row["without_post"] = True
            if person.unit.kind == UnitKind.COMMUNITY and rng.random() < 0.2:
                row.update(is_in_service=True, report_community=person.unit)
            if person.unit.kind == UnitKind.COMMUNITY and rng.random() < 0.08:
                local = [b for b in buildings if b.path.startswith(person.unit.path)]
                if local:
                    row.update(is_household=True, household_building=rng.choice(local))
            rows.append(row)
        builders.members_bulk_create(rows=rows, actor=SYSTEM)
        self.people = people

    def development(self) -> None:
        """The development pipeline: applicants, activists, targets and the members developed in 2024."""
        rng, draw = self.rng, self.draw
        villages = self.villages
        plan = [("applicant", APPLICANTS), ("activist", ACTIVISTS), ("target", TARGETS), ("developed", DEVELOPED_2024)]
        dev_people_rows, stages = [], []
        for stage, n in plan:
            for _ in range(n):
                unit = rng.choice(villages)
                dev_people_rows.append(
                    draw.row(
                        unit,
                        age_from=19,
                        age_to=40,
                        education=rng.choice(["senior", "college", "bachelor", "bachelor"]),
                    )
                )
                stages.append(stage)
        dev_people = builders.people_bulk_create(rows=dev_people_rows, actor=SYSTEM)
        records, developed = [], []
        for person, stage in zip(dev_people, stages, strict=True):
            if stage == "developed":
                admitted = _day(rng, date(2024, 1, 10), date(2024, 12, 20))
                target = admitted - timedelta(days=rng.randint(90, 200))
                activist = target - timedelta(days=rng.randint(370, 600))
                full = admitted + timedelta(days=366)
                record = {
                    "stage": "full" if full <= timezone.localdate() else "probationary",
                    "target_on": target,
                    "admitted_on": admitted,
                    "full_on": full if full <= timezone.localdate() else None,
                }
            elif stage == "target":
                target = _day(rng, date(2024, 1, 10), date(2024, 11, 30))
                activist = target - timedelta(days=rng.randint(370, 600))
                record = {"stage": "target", "target_on": target}
            elif stage == "activist":
                activist = _day(rng, date(2022, 10, 1), date(2024, 11, 30))
                record = {"stage": "activist"}
            else:
                activist = None
                record = {"stage": "applicant"}
            applied = (activist or _day(rng, date(2024, 3, 1), date(2024, 12, 1))) - timedelta(
                days=rng.randint(30, 200)
            )
            record.update(person=person, unit=person.unit, applied_on=applied, activist_on=activist)
            records.append(record)
            if stage == "developed":
                developed.append(record)
        builders.development_bulk_create(rows=records, actor=SYSTEM)
        builders.members_bulk_create(
            rows=[
                {
                    "person": r["person"],
                    "unit": r["unit"],
                    "status": MemberStatus.FULL if r["full_on"] else MemberStatus.PROBATIONARY,
                    "joined_on": r["admitted_on"],
                    "full_on": r["full_on"],
                }
                for r in developed
            ],
            actor=SYSTEM,
        )
        self.records, self.developed = records, developed

    def cadre_posts(self) -> None:
        """A secretary, a deputy and committee members in every village; first secretaries in 30."""
        rng, draw = self.rng, self.draw
        villages, rural = self.villages, self.rural
        cadre_rows, cadre_plan = [], []
        for unit in villages:
            cadre_rows.append(
                draw.row(
                    unit,
                    age_from=32,
                    age_to=58,
                    education=rng.choices(["senior", "college", "bachelor"], weights=[35, 40, 25])[0],
                )
            )
            cadre_plan.append((unit, PostKind.SECRETARY))
            for post in [PostKind.DEPUTY_SECRETARY] + [PostKind.COMMITTEE_MEMBER] * rng.randint(1, 3):
                cadre_rows.append(
                    draw.row(
                        unit,
                        age_from=26,
                        age_to=60,
                        education=rng.choices(["junior", "senior", "college", "bachelor"], weights=[15, 40, 30, 15])[0],
                    )
                )
                cadre_plan.append((unit, post))
        first_secretary_villages = rng.sample(rural, 30)
        for unit in first_secretary_villages:
            cadre_rows.append(
                draw.row(unit, age_from=28, age_to=50, education="bachelor", employment=EmploymentType.CIVIL_SERVANT)
            )
            cadre_plan.append((unit, PostKind.FIRST_SECRETARY))
        cadre_people = builders.people_bulk_create(rows=cadre_rows, actor=SYSTEM)
        not_one_shoulder = set(rng.sample(range(len(villages)), 3))
        dispatched = set(rng.sample(range(len(villages)), 5))
        post_rows, village_index = [], -1
        for person, (unit, post) in zip(cadre_people, cadre_plan, strict=True):
            if post == PostKind.SECRETARY:
                village_index += 1
            committee = "work_team" if post == PostKind.FIRST_SECRETARY else rng.choice(["party", "party", "villagers"])
            post_rows.append(
                {
                    "person": person,
                    "unit": unit,
                    "post": post,
                    "committee": "party" if post == PostKind.SECRETARY else committee,
                    "is_one_shoulder": post == PostKind.SECRETARY and village_index not in not_one_shoulder,
                    "is_dispatched": post == PostKind.SECRETARY and village_index in dispatched,
                    "term_start_year": 2021,
                    "term_end_year": 2026,
                    "started_on": date(2021, rng.randint(3, 6), rng.randint(1, 28))
                    if post != PostKind.FIRST_SECRETARY
                    else date(2023, 7, 1),
                }
            )
        posts = builders.posts_bulk_create(rows=post_rows, actor=SYSTEM)
        builders.members_bulk_create(
            rows=[
                {
                    "person": p.person,
                    "unit": p.unit,
                    "status": MemberStatus.FULL,
                    "joined_on": j,
                    "full_on": j + timedelta(days=366),
                }
                for p in posts
                if p.committee == "party" or p.post == PostKind.SECRETARY
                for j in [_day(rng, date(1985, 1, 1), date(2015, 12, 31))]
            ],
            actor=SYSTEM,
        )
        self.posts = posts

    def replacements(self) -> None:
        """Dynamic adjustment: 18 secretaries replaced since the 2021 election."""
        rng, draw = self.rng, self.draw
        posts = self.posts
        secretaries = [p for p in posts if p.post == PostKind.SECRETARY]
        # Dynamic adjustment: 18 secretaries replaced since the 2021 election; the predecessor's post is the history.
        replaced = rng.sample(secretaries, 18)
        predecessors = builders.people_bulk_create(
            rows=[draw.row(p.unit, age_from=45, age_to=62, education="senior") for p in replaced], actor=SYSTEM
        )
        CadrePost.objects.filter(pk__in=[p.pk for p in replaced]).update(started_on=date(2023, 9, 1))
        builders.posts_bulk_create(
            rows=[
                {
                    "person": person,
                    "unit": post.unit,
                    "post": PostKind.SECRETARY,
                    "committee": "party",
                    "term_start_year": 2021,
                    "term_end_year": 2026,
                    "started_on": date(2021, 4, 1),
                    "ended_on": date(2023, 8, 31),
                    "end_reason": rng.choice(["年龄原因", "履职不力，组织调整", "工作调动"]),
                }
                for person, post in zip(predecessors, replaced, strict=True)
            ],
            actor=SYSTEM,
        )
        self.secretaries = secretaries

    def cadre_records(self) -> None:
        """Elevated management, joint vetting, degree study and the 2024 capability scores."""
        rng = self.rng
        posts, secretaries = self.posts, self.secretaries
        builders.elevations_bulk_create(
            rows=[
                {
                    "post": post,
                    "direction": rng.choice([Direction.POSITIVE] * 3 + [Direction.NEGATIVE]),
                    "reason": rng.choice(
                        ["村级集体经济增收成效突出", "基层治理创新示范", "软弱涣散整顿", "信访矛盾较多"]
                    ),
                    "started_on": date(2024, 3, 1),
                    "review_on": date(2025, 3, 1),
                }
                for post in rng.sample(secretaries, 70)
            ],
            actor=SYSTEM,
        )
        builders.vettings_bulk_create(
            rows=[
                {
                    "person": post.person,
                    "unit": post.unit,
                    "vetted_on": date(2024, 4, 10),
                    "result": "passed",
                    "departments": "纪委监委、公安、信访、市场监管、司法",
                    "filed_on": date(2024, 4, 20),
                }
                for post in rng.sample(secretaries, 40)
            ],
            actor=SYSTEM,
        )
        builders.studies_bulk_create(
            rows=[
                {
                    "person": post.person,
                    "unit": post.unit,
                    "school": "荆州职业技术学院",
                    "target_level": EducationLevel.COLLEGE,
                    "enrolled_on": date(2024, 3, 1),
                }
                for post in rng.sample([p for p in posts if p.person.education in ("junior", "senior")], STUDYING)
            ],
            actor=SYSTEM,
        )
        builders.assessments_bulk_create(
            rows=[
                {"person": p.person, "unit": p.unit, "score": Decimal(f"{rng.uniform(62, 98):.1f}")}
                for p in secretaries
            ],
            year=2024,
            actor=SYSTEM,
        )

    def reserves(self) -> None:
        """Reserve cadres: one under 30 in most villages, open recruitment, a few on the way in or dropped."""
        rng, draw = self.rng, self.draw
        villages, rural = self.villages, self.rural
        missing_young = set(v.pk for v in rng.sample(rural, VILLAGES_WITHOUT_YOUNG_RESERVE))
        reserve_rows, reserve_plan = [], []
        young_villages = [v for v in rural if v.pk not in missing_young]
        for i in range(SECRETARY_RESERVES + OTHER_RESERVES):
            post_for = "secretary" if i < SECRETARY_RESERVES else "other"
            if i < len(young_villages):
                unit, young = young_villages[i], True  # one reserve under 30 in each village that has one
            else:
                unit = rng.choice(villages)
                young = unit.pk not in missing_young and rng.random() < 0.3
            reserve_rows.append(
                draw.row(
                    unit,
                    age_from=22 if young else 31,
                    age_to=27 if young else 45,
                    education=rng.choice(["college", "bachelor", "bachelor", "senior"]),
                )
            )
            reserve_plan.append(post_for)
        reserve_people = builders.people_bulk_create(rows=reserve_rows, actor=SYSTEM)
        open_indexes = set(rng.sample(range(len(reserve_people)), OPEN_RECRUITED))
        rows = []
        for i, (person, post_for) in enumerate(zip(reserve_people, reserve_plan, strict=True)):
            nominated = (
                date(2024, rng.randint(2, 5), rng.randint(1, 28))
                if i in open_indexes
                else date(rng.choice([2022, 2023]), rng.randint(1, 12), rng.randint(1, 28))
            )
            rows.append(
                {
                    "person": person,
                    "unit": person.unit,
                    "post_for": post_for,
                    "nomination": "open" if i in open_indexes else rng.choice(["self", "recommended"]),
                    "stage": rng.choice([ReserveStage.IN_RESERVE, ReserveStage.IN_RESERVE, ReserveStage.TRAINED]),
                    "nominated_on": nominated,
                    "stage_on": nominated + timedelta(days=rng.randint(60, 150)),
                }
            )
        # A few still on their way in, and a few dropped with a reason.
        pipeline_people = builders.people_bulk_create(
            rows=[draw.row(rng.choice(rural), age_from=23, age_to=40) for _ in range(30)], actor=SYSTEM
        )
        for person in pipeline_people:
            stage = rng.choice(
                [ReserveStage.NOMINATED, ReserveStage.REVIEWED, ReserveStage.INSPECTED, ReserveStage.DROPPED]
            )
            nominated = date(2024, rng.randint(6, 11), rng.randint(1, 28))
            rows.append(
                {
                    "person": person,
                    "unit": person.unit,
                    "post_for": "other",
                    "nomination": "recommended",
                    "stage": stage,
                    "nominated_on": nominated,
                    "stage_on": nominated + timedelta(days=20),
                    "dropped_reason": "本人外出务工，主动退出" if stage == ReserveStage.DROPPED else "",
                }
            )
        builders.reserves_bulk_create(rows=rows, actor=SYSTEM)
        self.reserve_rows, self.reserve_people = rows, reserve_people

    def training(self) -> None:
        """The training sessions and their attendees."""
        rng, ctx = self.rng, self.ctx
        posts, secretaries, reserve_people = self.posts, self.secretaries, self.reserve_people
        township = OrganizationUnit.objects.get(parent=ctx.city, name="东升镇")
        pool = [p.person for p in posts] + reserve_people
        secretary_people = [p.person for p in secretaries]
        for topic, level, starts, days, person_times in TRAINING_SESSIONS:
            organizer = township if level == "township" else ctx.city
            session = services.training_create(
                topic=topic,
                organizer=organizer,
                level=level,
                starts_on=starts,
                ends_on=starts + timedelta(days=days - 1),
                actor=SYSTEM,
            )
            if topic.startswith("村（社区）党组织书记"):
                # Most, not all, secretaries attend: the coverage page lists the rest.
                attendees = rng.sample(secretary_people, person_times)
            elif level == "township":
                local = [p for p in pool if p.unit.path.startswith(township.path)]
                attendees = rng.sample(local, min(person_times, len(local)))
            else:
                attendees = rng.sample(pool, person_times)
            services.training_add_attendees(session=session, people=attendees, actor=SYSTEM)
        self.township = township

    def transfers(self) -> None:
        """A few organization-relationship transfers between villages, at each step of the way."""
        rng, villages, rural = self.rng, self.villages, self.rural
        movers = rng.sample([m for m in PartyMember.objects.filter(unit__in=rural[:40]).select_related("unit")], 6)
        for i, member in enumerate(movers):
            target = rng.choice([v for v in villages if v.pk != member.unit_id])
            transfer = services.transfer_start(
                member=member, to_unit=target, out_on=date(2024, 9, 1 + i), reason="工作调动", actor=SYSTEM
            )
            if i % 3 >= 1:
                services.transfer_arrive(transfer=transfer, on=date(2024, 9, 10 + i), actor=SYSTEM)
            if i % 3 == 2:
                services.transfer_receive(transfer=transfer, on=date(2024, 9, 20 + i), actor=SYSTEM)

    def examples(self) -> None:
        """The demo secretary's activist ready to be proposed, and proposals waiting at the township."""
        ctx, draw, township = self.ctx, self.draw, self.township
        # The demo secretary's village has an activist of more than a year, ready to be proposed as target.
        demo_village = ctx.users["secretary"].role_assignments.first().unit
        record = services.development_start(
            person=services.person_create(
                name="陈晓明",
                id_number=draw.id_number(date(1996, 5, 4), True),
                unit=demo_village,
                actor=SYSTEM,
                mobile="13972160000",
                education="bachelor",
            ),
            unit=demo_village,
            applied_on=date(2023, 3, 1),
            actor=SYSTEM,
        )
        step = services.development_propose(record=record, effective_on=date(2023, 9, 1), actor=ctx.users["secretary"])
        services.development_approve(step=step, actor=ctx.users["township"])
        # ...and the township has a few proposals from its villages waiting for approval.
        waiting = (
            DevelopmentRecord.objects.filter(
                stage="activist", unit__path__startswith=township.path, activist_on__lte=date(2023, 12, 10)
            )
            .exclude(unit=demo_village)
            .order_by("pk")[:3]
        )
        for record in waiting:
            services.development_propose(
                record=record, effective_on=date(2024, 12, 10), actor=SYSTEM, note="培养考察满一年，支部委员会研究同意"
            )


def build(ctx) -> None:
    demo = DemoCadres(ctx)
    for step in (
        demo.members,
        demo.development,
        demo.cadre_posts,
        demo.replacements,
        demo.cadre_records,
        demo.reserves,
        demo.training,
        demo.transfers,
        demo.examples,
    ):
        step()
    if ctx.stdout:
        ctx.stdout.write(
            f"Cadres: {len(demo.reserve_rows)} reserves, {len(demo.posts)} posts, {len(demo.records)} development "
            f"records, {len(demo.people) + len(demo.developed)} members."
        )
