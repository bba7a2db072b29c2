"""The OpenAPI documentation of the cadres API: the pipelines (development, posts, elevations, vettings, studies,
assessments, reserves, trainings). The views apply it."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from .. import models
from . import serializers as s
from .docs import UNIT_LIST, YEAR_PARAMETER, _choice_parameter, _read, _request_example, _service_written, _write

DEVELOPMENT_RECORD_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List development records"),
        description=_read(
            gettext_lazy(
                "The member development records of the caller's jurisdiction (application, activist, target, "
                "probationary member, full member), by id, each with its steps: proposed by the branch, approved or "
                "sent back by the township or the county. `stage` filters."
            )
        ),
        parameters=[
            _choice_parameter("stage", models.DevelopmentStage.choices, gettext_lazy("Only the records at this stage."))
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A development record"),
        description=_read(gettext_lazy("One development record with its steps. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Open a development record"),
        description=_write(
            gettext_lazy(
                "Opens the development record of a registered person (`person`) who applied to join at the branch "
                "`unit_code`; the record starts at the stage applicant. 400 unknown_person or unknown_unit outside "
                "the caller's jurisdiction, future_date for an application date in the future; 409 already_a_member, "
                "development_exists. Audited."
            )
        ),
        request=s.DevelopmentCreateSerializer,
        responses={201: s.DevelopmentRecordSerializer},
        examples=[_request_example({"person": 12, "unit_code": "421081002001", "applied_on": "2024-03-15"})],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

DEVELOPMENT_RECORD_PROPOSE = extend_schema(
    request=s.ProposeSerializer,
    responses=s.DevelopmentRecordSerializer,
    summary=gettext_lazy("Propose a development step"),
    description=_write(
        gettext_lazy(
            "The branch proposes the record's next step; it takes effect when the township or the county approves "
            "it. `kind`: advance to the next stage, extend a probation (`extended_until`, at most one year more: "
            "400 extension_range), disqualify a probationary member (the reason in `note`: 400 reason_required). "
            "400 future_date, date_order, waiting_time when the dates break the rules; 409 step_pending when a "
            "step awaits approval, development_closed for a closed record, step_not_allowed when the stage "
            "allows no such step. Audited."
        )
    ),
    examples=[_request_example({"kind": "advance", "effective_on": "2024-09-20", "note": "支部委员会研究同意"})],
)

DEVELOPMENT_RECORD_APPROVE = extend_schema(
    request=None,
    responses=s.DevelopmentRecordSerializer,
    summary=gettext_lazy("Approve a development step"),
    description=_write(
        gettext_lazy(
            "Township or organization-department staff approve the step awaiting approval (403 for others): the "
            "rules are checked again, then the record moves on, dated, with the approver and the level kept. "
            "Admission registers the person as a probationary member, full membership makes the member full. No "
            "body. 409 no_pending_step when no step awaits approval. The proposer is notified; audited; the unit's "
            "figures are recomputed."
        )
    ),
)

DEVELOPMENT_RECORD_SEND_BACK = extend_schema(
    request=s.ReasonSerializer,
    responses=s.DevelopmentRecordSerializer,
    summary=gettext_lazy("Send a development step back"),
    description=_write(
        gettext_lazy(
            "Township or organization-department staff send the step awaiting approval back to the branch with a "
            "reason (403 for others); the step stays in the record's history. 409 no_pending_step when no step "
            "awaits approval. The proposer is notified; audited."
        )
    ),
    examples=[_request_example({"reason": "培养考察材料不全，请补充后再报"})],
)

CADRE_POST_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List cadre posts"),
        description=_read(
            gettext_lazy(
                "Posts held in the committees of the villages, communities and other units of the caller's "
                "jurisdiction, by id, past ones included: `current=1` keeps the sitting cadres, `post` filters by post."
            )
        ),
        parameters=[
            _choice_parameter("post", models.PostKind.choices, gettext_lazy("Only the posts of this kind.")),
            OpenApiParameter(
                "current",
                str,
                enum=["1", "true"],
                description=gettext_lazy("1 or true: only the posts not ended (the sitting cadres)."),
            ),
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A cadre post"),
        description=_read(gettext_lazy("One post with its holder's brief. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Appoint to a post"),
        description=_write(
            gettext_lazy(
                "Appoints a registered person (`person`) to a post in a committee of the unit `unit_code`, for a term "
                "of five years from `term_start_year`. 400 unknown_person or unknown_unit outside the caller's "
                "jurisdiction, one_shoulder_secretary_only when someone other than the secretary is marked as also "
                "chairing; 409 secretary_seated when the unit has a sitting secretary. Audited; the unit's figures are "
                "recomputed."
            )
        ),
        request=s.CadrePostCreateSerializer,
        responses={201: s.CadrePostSerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081002001",
                    "committee": "party",
                    "post": "secretary",
                    "is_one_shoulder": True,
                    "is_dispatched": False,
                    "term_start_year": 2021,
                    "started_on": "2021-10-15",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

CADRE_POST_END = extend_schema(
    request=s.PostEndSerializer,
    responses=s.CadrePostSerializer,
    summary=gettext_lazy("End a post"),
    description=_write(
        gettext_lazy(
            "Ends a post (dynamic adjustment) on `ended_on` with a reason (400 reason_required); the ended post "
            "stays as history. 400 date_order for an end before the start; 409 post_ended for a post already "
            "ended. Audited; the unit's figures are recomputed."
        )
    ),
    examples=[_request_example({"ended_on": "2024-08-31", "reason": "工作调动"})],
)

ELEVATED_MANAGEMENT_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List elevated management records"),
        description=_read(
            gettext_lazy(
                "Sitting secretaries under elevated management (positive or negative) in the caller's jurisdiction, "
                "by id."
            )
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("An elevated management record"),
        description=_read(gettext_lazy("One elevated management record. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Put a secretary under elevated management"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff put the holder of the secretary's post `post` under "
                "elevated management, positive or negative, with a reason and a review date after the start (400 "
                "date_order). 400 unknown_post outside the caller's jurisdiction, not_a_sitting_secretary for another "
                "post or an ended one; 409 already_elevated. Audited."
            )
        ),
        request=s.ElevationCreateSerializer,
        responses={201: s.ElevatedManagementSerializer},
        examples=[
            _request_example(
                {
                    "post": 3,
                    "direction": "negative",
                    "reason": "软弱涣散村党组织整顿",
                    "started_on": "2024-04-01",
                    "review_on": "2024-10-01",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

JOINT_VETTING_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List joint vettings"),
        description=_read(gettext_lazy("Joint vettings of candidates in the caller's jurisdiction, by id.")),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A joint vetting"),
        description=_read(gettext_lazy("One joint vetting. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Record a joint vetting"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff record the joint vetting of a candidate (`person`) for "
                "the secretary's post at `unit_code`: the date, the departments and the result; a passed candidate may "
                "be filed with the county (`filed_on`), a failed one not (409 vetting_not_passed). 400 unknown_person "
                "or unknown_unit outside the caller's jurisdiction. Audited."
            )
        ),
        request=s.VettingCreateSerializer,
        responses={201: s.JointVettingSerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081002001",
                    "vetted_on": "2024-05-20",
                    "result": "passed",
                    "departments": "纪委监委、公安局、法院、检察院",
                    "filed_on": "2024-05-28",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

DEGREE_STUDY_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List degree studies"),
        description=_read(gettext_lazy("Cadres enrolled in degree courses in the caller's jurisdiction, by id.")),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A degree study"),
        description=_read(gettext_lazy("One degree study. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Record a degree study"),
        description=_write(
            gettext_lazy(
                "Records a cadre (`person`) of the unit `unit_code` enrolled in a degree course: the school, the "
                "level aimed at, the enrolment date. 400 unknown_person or unknown_unit outside the caller's "
                "jurisdiction. Audited; the unit's figures are recomputed."
            )
        ),
        request=s.StudyCreateSerializer,
        responses={201: s.DegreeStudySerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081002001",
                    "school": "湖北广播电视大学",
                    "target_level": "college",
                    "enrolled_on": "2023-09-01",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

CAPABILITY_ASSESSMENT_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List capability assessments"),
        description=_read(
            gettext_lazy("Yearly capability scores of the secretaries in the caller's jurisdiction, by id.")
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A capability assessment"),
        description=_read(gettext_lazy("One capability assessment. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Record a capability score"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff record a secretary's (`person`) capability score (0–100, "
                "one decimal) for a year at the unit `unit_code`. A score already recorded for the same person, unit "
                "and year is replaced, and the answer is 201 all the same. 400 unknown_person or unknown_unit outside "
                "the caller's jurisdiction. Audited."
            )
        ),
        request=s.AssessmentCreateSerializer,
        responses={201: s.CapabilityAssessmentSerializer},
        examples=[
            _request_example(
                {"person": 12, "unit_code": "421081002001", "year": 2024, "score": "86.5", "comment": "群众认可度高"}
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

CAPABILITY_ASSESSMENT_RANKING = extend_schema(
    parameters=[YEAR_PARAMETER],
    responses=inline_serializer(
        "AssessmentRank",
        {
            "rank": serializers.IntegerField(help_text=gettext_lazy("The rank: 1 is the best; equal scores share it.")),
            "person": serializers.CharField(help_text=gettext_lazy("The secretary's name.")),
            "unit_code": serializers.CharField(help_text=gettext_lazy("The code of the secretary's unit.")),
            "score": serializers.DecimalField(
                max_digits=6,
                decimal_places=2,
                coerce_to_string=True,
                help_text=gettext_lazy("The score (0–100)."),
            ),
        },
        many=True,
    ),
    summary=gettext_lazy("Rank capability scores"),
    description=_read(
        gettext_lazy(
            "The secretaries' capability scores of a year in the caller's jurisdiction, best first (equal scores "
            "share a rank); a plain list, not paged."
        )
    ),
)

RESERVE_CADRE_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List reserve cadres"),
        description=_read(
            gettext_lazy(
                "The reserve cadres of the caller's jurisdiction, by id, each with the steps of its pipeline "
                "(nominated → reviewed → inspected → in reserve → trained → appointed, or dropped). `stage` and "
                "`post_for` filter."
            )
        ),
        parameters=[
            _choice_parameter("stage", models.ReserveStage.choices, gettext_lazy("Only the reserves at this stage.")),
            _choice_parameter("post_for", models.ReservePost.choices, gettext_lazy("Only the reserves for this post.")),
        ],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A reserve cadre"),
        description=_read(gettext_lazy("One reserve cadre with its steps. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Nominate a reserve cadre"),
        description=_write(
            gettext_lazy(
                "Nominates a registered person (`person`) as reserve cadre of the unit `unit_code` for a post; the "
                "pipeline starts at nominated. 400 unknown_person or unknown_unit outside the caller's jurisdiction; "
                "409 reserve_exists when the person is already in the pipeline for this post there. Audited; the "
                "unit's figures are recomputed."
            )
        ),
        request=s.ReserveCreateSerializer,
        responses={201: s.ReserveCadreSerializer},
        examples=[
            _request_example(
                {
                    "person": 12,
                    "unit_code": "421081101201",
                    "post_for": "secretary",
                    "nomination": "recommended",
                    "nominated_on": "2024-03-01",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

RESERVE_CADRE_ADVANCE = extend_schema(
    request=s.DateSerializer,
    responses=s.ReserveCadreSerializer,
    summary=gettext_lazy("Advance a reserve cadre"),
    description=_write(
        gettext_lazy(
            "Moves the reserve cadre to the next stage on the day `on`, recorded as a step. Review, inspection and "
            "appointment are decided by township or organization-department staff (403 for others). 400 "
            "date_order for a day before the last step, future_date for a day in the future; 409 reserve_closed "
            "once appointed or dropped. Audited; the unit's figures are recomputed."
        )
    ),
    examples=[_request_example({"on": "2024-05-10"})],
)

RESERVE_CADRE_DROP = extend_schema(
    request=s.DropSerializer,
    responses=s.ReserveCadreSerializer,
    summary=gettext_lazy("Drop a reserve cadre"),
    description=_write(
        gettext_lazy(
            "Drops the reserve cadre from the pipeline on the day `on` with a reason (400 reason_required); the "
            "history is kept. 409 reserve_closed once appointed or dropped. Audited; the unit's figures are "
            "recomputed."
        )
    ),
    examples=[_request_example({"on": "2024-07-01", "reason": "外出务工，本人申请退出"})],
)

RESERVE_CADRE_UNDER_30 = extend_schema(
    responses=inline_serializer(
        "VillagesWithoutYoungReserve",
        {
            "villages": serializers.IntegerField(
                help_text=gettext_lazy("Active villages in the caller's jurisdiction.")
            ),
            "missing": serializers.IntegerField(help_text=gettext_lazy("Those without a reserve under 30.")),
            "townships": inline_serializer(
                "TownshipVillages",
                {
                    "code": serializers.CharField(help_text=gettext_lazy("The township's code.")),
                    "name": serializers.CharField(help_text=gettext_lazy("The township's name.")),
                    "villages": UNIT_LIST,
                },
                many=True,
                help_text=gettext_lazy("The villages without one, by township."),
            ),
        },
    ),
    summary=gettext_lazy("Villages without a young reserve"),
    description=_read(
        gettext_lazy(
            "The under-30 rule: the active villages of the caller's jurisdiction with no reserve cadre under 30 "
            "in reserve or trained today, grouped by township, with the counts."
        )
    ),
)

TRAINING_SESSION_DOCS = extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List training sessions"),
        description=_read(
            gettext_lazy(
                "Training sessions organized by the units of the caller's jurisdiction, latest start first, each with "
                "its person-times."
            )
        ),
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("A training session"),
        description=_read(gettext_lazy("One training session. Outside the jurisdiction: 404.")),
    ),
    create=extend_schema(
        summary=gettext_lazy("Schedule a training session"),
        description=_write(
            gettext_lazy(
                "Township or organization-department staff schedule a session organized by the unit "
                "`organizer_code` (400 unknown_unit outside the caller's jurisdiction); it may not end before it "
                "starts (400 date_order). Audited."
            )
        ),
        request=s.TrainingCreateSerializer,
        responses={201: s.TrainingSessionSerializer},
        examples=[
            _request_example(
                {
                    "topic": "村（社区）党组织书记轮训班",
                    "organizer_code": "421081002",
                    "level": "township",
                    "starts_on": "2024-06-11",
                    "ends_on": "2024-06-13",
                }
            )
        ],
    ),
    partial_update=_service_written("partial_update"),
    destroy=_service_written("destroy"),
)

TRAINING_SESSION_ATTENDEES = extend_schema(
    request=s.AttendeesSerializer,
    responses=s.TrainingSessionSerializer,
    summary=gettext_lazy("Record attendees"),
    description=_write(
        gettext_lazy(
            "Records the people `people` as attendees of the session, one person-time each; those already "
            "recorded are skipped. A caller who may see but not change the session gets 403 before the body is "
            "read; 400 unknown_person when some of the people are outside the caller's jurisdiction (nobody is "
            "recorded then). Audited; the figures of the units concerned are recomputed."
        )
    ),
    examples=[_request_example({"people": [12, 15, 18]})],
)

TRAINING_SESSION_COVERAGE = extend_schema(
    parameters=[YEAR_PARAMETER],
    responses=inline_serializer(
        "SecretaryTrainingCoverage",
        {
            "year": serializers.IntegerField(help_text=gettext_lazy("The year reported.")),
            "secretaries": serializers.IntegerField(
                help_text=gettext_lazy("Sitting village and community secretaries in the caller's jurisdiction.")
            ),
            "trained": serializers.IntegerField(help_text=gettext_lazy("Those trained in the year.")),
            "not_trained": inline_serializer(
                "SecretaryNotTrained",
                {
                    "person": serializers.CharField(help_text=gettext_lazy("The secretary's name.")),
                    "unit_code": serializers.CharField(help_text=gettext_lazy("The code of the secretary's unit.")),
                },
                many=True,
                help_text=gettext_lazy("The secretaries not trained in the year."),
            ),
            "sessions": serializers.IntegerField(
                help_text=gettext_lazy("Sessions of the year with attendees in the caller's jurisdiction.")
            ),
            "person_times": serializers.IntegerField(
                help_text=gettext_lazy("Person-times of the year in the caller's jurisdiction.")
            ),
            "people": serializers.IntegerField(
                help_text=gettext_lazy("Different people trained in the year in the caller's jurisdiction.")
            ),
        },
    ),
    summary=gettext_lazy("Secretaries' training coverage"),
    description=_read(
        gettext_lazy(
            "For a year: the sitting village and community secretaries of the caller's jurisdiction not trained "
            "that year, with the year's sessions, person-times and people trained."
        )
    ),
)
