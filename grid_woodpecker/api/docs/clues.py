"""The OpenAPI text of woodpeckers, categories, clues, their steps and inspection tasks
(grid_woodpecker/api/views.py applies it)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from .. import serializers as s
from . import example, query_id, refused

CLUE_EXAMPLE = {
    "id": 12,
    "public_id": "5f0c1d7e-8a3b-4c2d-9e6f-1a2b3c4d5e6f",
    "grid": 9,
    "grid_code": "421081002003001",
    "building": None,
    "address": "笔架山街道东岳山社区3栋门前",
    "latitude": "29.721050",
    "longitude": "112.401230",
    "category": 3,
    "category_name": "路灯损坏",
    "description": "3栋门前路灯一周不亮，晚上出行不便",
    "source": "woodpecker",
    "reporter": 5,
    "reporter_name": "张伟",
    "task": None,
    "status": "dispatched",
    "duplicate_of": None,
    "reject_reason": "",
    "handler_kind": "department",
    "department": 7,
    "deadline": "2026-12-09T18:00:00+08:00",
    "flag": "",
    "resolution": "",
    "rating": "",
    "rating_reason": "",
    "found_false": False,
    "submitted_at": "2026-12-01T19:20:00+08:00",
    "accepted_at": "2026-12-02T09:05:00+08:00",
    "resolved_at": None,
    "rated_at": None,
    "closed_at": None,
    "photos": [{"id": 21, "stage": "report", "width": 1280, "height": 960, "uploaded_at": "2026-12-01T19:20:00+08:00"}],
}


WOODPECKER = dict(
    list=extend_schema(
        summary=_("Woodpecker list"),
        description=_(
            "The woodpeckers of your jurisdiction; a woodpecker sees only their own record. The mobile number is "
            "shown masked and the ID number never. Filter by status, group, is_lead and grid. A system client "
            "needs the scope clues:read."
        ),
        parameters=[
            query_id("grid", _("Only the woodpeckers of this grid (its id).")),
            OpenApiParameter(
                "is_lead",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description=_("true: only lead woodpeckers; false: only the others."),
            ),
        ],
    ),
    retrieve=extend_schema(
        summary=_("Woodpecker details"),
        description=_(
            "One woodpecker of your jurisdiction (404 outside it), with their points balance; a woodpecker may read "
            "their own record. A system client needs the scope clues:read."
        ),
        examples=[
            OpenApiExample(
                "woodpecker",
                value={
                    "id": 5,
                    "name": "张伟",
                    "mobile_masked": "138****0001",
                    "grid": 9,
                    "grid_code": "421081002003001",
                    "group": "courier",
                    "status": "active",
                    "is_lead": False,
                    "lead_duties": "",
                    "registered_at": "2026-11-20T10:00:00+08:00",
                    "confirmed_at": "2026-11-20T10:00:00+08:00",
                    "deactivated_at": None,
                    "deactivation_reason": "",
                    "balance": 30,
                },
                response_only=True,
            )
        ],
    ),
    create=extend_schema(
        summary=_("Register a woodpecker"),
        description=_(
            "The staff of a grid (grid worker, community secretary, township or organization-department staff) "
            "register a woodpecker on their behalf: a person record is created and the registration is confirmed "
            "at once (status active, points account opened); no login is created here. grid_code names a grid of "
            "your jurisdiction (400 unknown_unit otherwise; 403 where you may see but not register). Audited; the "
            "grid's woodpecker figures are recounted. A system client needs the scope clues:write."
        ),
        examples=[
            example(
                {
                    "name": "张伟",
                    "id_number": "42108119900101123X",
                    "mobile": "13872100001",
                    "grid_code": "421081002003001",
                    "group": "courier",
                    "is_lead": False,
                    "lead_duties": "",
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary=_("Set the lead woodpecker"),
        description=_(
            "Makes a woodpecker a lead woodpecker (头鸟) with duties, or takes it back; nothing else changes here. "
            "is_lead is required; lead_duties is required when it is true (400 note_required) and cleared when it "
            "is false. The staff of the woodpecker's grid only (403 otherwise). Audited. A system client needs the "
            "scope clues:write."
        ),
        request=s.WoodpeckerUpdateBodySerializer,
        examples=[example({"is_lead": True, "lead_duties": "负责本网格线索初审和新队员带教"})],
    ),
    update=refused(_("Replace a woodpecker (unsupported)")),
    destroy=refused(_("Delete a woodpecker (unsupported)")),
)


WOODPECKER_CONFIRM = dict(
    summary=_("Confirm a woodpecker"),
    description=_(
        "Confirms a pending registration, or reactivates a deactivated woodpecker: status active, their login "
        "gets the woodpecker role in the grid and a points account is opened; an active woodpecker is answered "
        "unchanged. No body. The staff of the woodpecker's grid only (403 otherwise). Audited; the grid's "
        "woodpecker figures are recounted. A system client needs the scope clues:write."
    ),
)


WOODPECKER_DEACTIVATE = dict(
    summary=_("Deactivate a woodpecker"),
    description=_(
        "Deactivates a woodpecker with a reason (required: 400 note_required): they lose the woodpecker role and "
        "can no longer file clues or redeem points; their points and history stay. The staff of the woodpecker's "
        "grid only (403 otherwise). Audited; the grid's woodpecker figures are recounted. A system client needs "
        "the scope clues:write."
    ),
    examples=[example({"reason": "已搬离本网格"})],
)


CATEGORY = dict(
    list=extend_schema(
        summary=_("Clue category list"),
        description=_(
            "The clue categories configured at units of your jurisdiction (a category configured at a city applies "
            "to all its grids), with their deadline in days, default department and whether they are active. A "
            "system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Clue category details"),
        description=_("One clue category of your jurisdiction. A system client needs the scope clues:read."),
        examples=[
            OpenApiExample(
                "category",
                value={
                    "id": 3,
                    "unit": 1,
                    "code": "street-light",
                    "name": "路灯损坏",
                    "deadline_days": 7,
                    "default_department": 7,
                    "is_active": True,
                },
                response_only=True,
            )
        ],
    ),
    create=extend_schema(
        summary=_("Add a clue category"),
        description=_(
            "Configures a category at a unit of your jurisdiction (403 outside it); code is unique per unit. A new "
            "category is always active (is_active is ignored here). default_department, if given, must be a "
            "department serving the unit's area (400 department_required, department_not_serving) and inside your "
            "jurisdiction (400 department_outside_jurisdiction). Audited. A system client needs the scope "
            "clues:write."
        ),
        examples=[
            example(
                {
                    "unit": 1,
                    "code": "street-light",
                    "name": "路灯损坏",
                    "deadline_days": 7,
                    "default_department": 7,
                    "is_active": True,
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary=_("Change a clue category"),
        description=_(
            "Renames a category, changes its deadline in days or default department, or retires it (is_active "
            "false); unit and code never change (they are ignored if sent). The default department is checked as on "
            "creation. Audited. A system client needs the scope clues:write."
        ),
        examples=[example({"name": "路灯不亮", "deadline_days": 5})],
    ),
    update=refused(_("Replace a clue category (unsupported)")),
    destroy=refused(_("Delete a clue category (unsupported)")),
)


CLUE = dict(
    list=extend_schema(
        summary=_("Clue list"),
        description=_(
            "The clues you may see, newest first: grid workers, community secretaries, township and "
            "organization-department staff those of their jurisdiction; a department's handlers those dispatched to "
            "their department; a woodpecker their own. Filter by status, flag (overdue card), category, grid, "
            "handler_kind and department. Photos are listed without their files. A system client needs the scope "
            "clues:read."
        ),
        parameters=[
            query_id("category", _("Only the clues of this category (its id).")),
            query_id("grid", _("Only the clues of this grid (its id).")),
            query_id("department", _("Only the clues dispatched to this department (its id).")),
        ],
    ),
    retrieve=extend_schema(
        summary=_("Clue details"),
        description=_(
            "One clue you may see (404 otherwise), with its handling so far and its photos. Its steps are in "
            "history/. A system client needs the scope clues:read."
        ),
        examples=[OpenApiExample("clue", value=CLUE_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary=_("File a clue"),
        description=_(
            "A registered woodpecker files a clue in their own grid; anyone else is refused with 403, a system "
            "client's service user included (systems file through Open311: POST /open311/v2/requests.json). Photos "
            "go as multipart/form-data. Refused: 409 woodpecker_inactive (registration not confirmed, or "
            "deactivated); 400 category_not_configured, description_too_short, coordinates_incomplete, "
            "task_not_open, too_many_photos, abuse_listed; too many clues in a short time answers 429 throttled with "
            "Retry-After. Audited. A system client needs the scope clues:write."
        ),
        examples=[
            example(
                {
                    "category": 3,
                    "description": "3栋门前路灯一周不亮，晚上出行不便",
                    "address": "笔架山街道东岳山社区3栋门前",
                    "latitude": "29.721050",
                    "longitude": "112.401230",
                    "task": None,
                }
            )
        ],
    ),
    partial_update=extend_schema(
        summary=_("Re-categorise a clue"),
        description=_(
            "Moves an open clue to another category (required; configured for the grid's city: 400 "
            "category_not_configured, an unknown id 404); an accepted clue's deadline follows the new category and "
            "the history records the change with the note. A finished clue answers 409 clue_finished. The triage "
            "staff of the grid only (403 otherwise). A system client needs the scope clues:write."
        ),
        request=s.ClueUpdateBodySerializer,
        examples=[example({"category": 4, "note": "属于道路设施类"})],
    ),
    update=refused(_("Replace a clue (unsupported)")),
    destroy=refused(_("Delete a clue (unsupported)")),
)


CLUE_ACCEPT = dict(
    summary=_("Accept a clue"),
    description=_(
        "Accepts a submitted clue (409 clue_transition_not_allowed from any other status): its deadline starts "
        "from the category's days and the reporter earns the points of the policy in force. Only the triage "
        "staff of the clue's grid: grid workers, community secretaries, township and organization-department "
        "staff (403 otherwise). The reporter and the grid's desk are notified and the webhook event "
        "clue.state_changed is sent. A system client needs the scope clues:write."
    ),
    examples=[example({"note": "情况属实，已受理"})],
)


CLUE_MERGE = dict(
    summary=_("Merge a duplicate clue"),
    description=_(
        "Merges a submitted clue (409 clue_transition_not_allowed otherwise) into another clue of the same grid "
        "that reports the same problem (duplicate_of: a clue you can see, 404 otherwise; 400 "
        "merge_target_invalid for the clue itself or another grid's; 409 merge_target_closed if it is rejected "
        "or merged); a duplicate earns no points. Only the triage staff of the clue's grid: grid workers, "
        "community secretaries, township and organization-department staff (403 otherwise). The webhook event "
        "clue.state_changed is sent. A system client needs the scope clues:write."
    ),
    examples=[example({"duplicate_of": 11, "note": "与11号线索为同一路灯"})],
)


CLUE_REJECT = dict(
    summary=_("Reject a clue"),
    description=_(
        "Rejects a clue with a reason (required: 400 note_required) from submitted, accepted, dispatched or in "
        "progress (409 clue_transition_not_allowed otherwise). A clue rejected after its acceptance is marked "
        "found false and its points are taken back from the reporter. Only the triage staff of the clue's grid: "
        "grid workers, community secretaries, township and organization-department staff (403 otherwise). The "
        "reporter and the grid's desk are notified and the webhook event clue.state_changed is sent. A system "
        "client needs the scope clues:write."
    ),
    examples=[example({"reason": "经现场核实，路灯已正常"})],
)


CLUE_HANDLE = dict(
    summary=_("Handle in the community"),
    description=_(
        "The community takes an accepted clue in hand itself (409 clue_transition_not_allowed from any other "
        "status): handler community, status in progress. Only the triage staff of the clue's grid: grid workers, "
        "community secretaries, township and organization-department staff (403 otherwise). The webhook event "
        "clue.state_changed is sent. A system client needs the scope clues:write."
    ),
    examples=[example({"note": "社区安排物业维修"})],
)


CLUE_DISPATCH_TO = dict(
    summary=_("Dispatch a clue"),
    description=_(
        "Dispatches (or re-dispatches) an accepted, dispatched or in-progress clue (409 "
        "clue_transition_not_allowed otherwise) to a department serving the clue's area: a municipal agency, a "
        "township or a street (400 department_required, department_not_serving; an unknown id 404). deadline "
        "must lie in the future (400 deadline_past); without it the category's days count from now. The overdue "
        "card is cleared and the history keeps the earlier department. Only the triage staff of the clue's grid: "
        "grid workers, community secretaries, township and organization-department staff (403 otherwise). The "
        "department's handlers are notified and the webhook event clue.state_changed is sent. A system client "
        "needs the scope clues:write."
    ),
    examples=[example({"department": 7, "deadline": "2026-12-09T18:00:00+08:00", "note": "请市城管局派人维修"})],
)


CLUE_START = dict(
    summary=_("Start work on a clue"),
    description=_(
        "The department's handler (or the grid's triage staff) starts work on a dispatched clue (409 "
        "clue_transition_not_allowed from any other status): status in progress. 403 for anyone else. The "
        "webhook event clue.state_changed is sent. A system client needs the scope clues:write."
    ),
    examples=[example({"note": "已安排维修人员"})],
)


CLUE_RESOLVE = dict(
    summary=_("Resolve a clue"),
    description=_(
        "The handler writes back what was done (resolution, required: 400 note_required), with photos of the "
        "result as multipart/form-data (at most 4: 400 too_many_photos), from accepted (the community handled it "
        "itself), dispatched or in progress (409 clue_transition_not_allowed otherwise). The department's "
        "handlers or the grid's triage staff only (403 otherwise). The reporter is notified and asked to rate "
        "it; the webhook event clue.state_changed is sent. A system client needs the scope clues:write."
    ),
    examples=[example({"resolution": "已更换灯泡，路灯恢复正常"})],
)


CLUE_RATE = dict(
    summary=_("Rate a clue"),
    description=_(
        "The reporter rates a resolved clue (409 clue_transition_not_allowed otherwise): satisfied closes it; "
        "unsatisfied, with a reason (400 note_required), reopens it in progress with a new deadline. Only the "
        "woodpecker who filed it (403 for anyone else, a system client's service user included). The webhook "
        "event clue.state_changed is sent. A system client needs the scope clues:write."
    ),
    examples=[example({"rating": "satisfied", "reason": ""})],
)


CLUE_HISTORY = dict(
    summary=_("Clue history"),
    description=_(
        "Every step of a clue you may see, oldest first: who took it, from which status to which, and the note. "
        "A plain list, not paginated. A system client needs the scope clues:read."
    ),
    examples=[
        OpenApiExample(
            "history",
            value={
                "id": 31,
                "clue": 12,
                "kind": "transition",
                "from_status": "submitted",
                "to_status": "accepted",
                "note": "情况属实，已受理",
                "actor_name": "李娜",
                "created_at": "2026-12-02T09:05:00+08:00",
            },
            response_only=True,
        )
    ],
)


CLUE_DUPLICATES = dict(
    summary=_("Likely duplicates"),
    description=_(
        "Up to 5 clues you may see that likely report the same problem, best first: same grid and category, "
        "filed in the 30 days before this one, not merged or rejected, and filed within 200 m, in the same "
        "building or with similar words (why). A plain list, not paginated. A system client needs the scope "
        "clues:read."
    ),
)


PUBLIC_CLUE = dict(
    list=extend_schema(
        summary=_("Public clue list"),
        description=_(
            "The public version of the clues of the unit named by ?grid= and of the units under it, newest first: "
            "category and grid names, status, description, resolution and time, without the reporter, the "
            "coordinates or the address; rejected and merged clues are left out. Without a known unit code the "
            "list is empty. Open to anyone: no sign-in needed."
        ),
        parameters=[
            OpenApiParameter(
                "grid",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description=_("The code of the grid (or of a community, township… above it) whose clues are shown."),
            )
        ],
    ),
)


CLUE_EVENT = dict(
    list=extend_schema(
        summary=_("Clue step list"),
        description=_(
            "The steps of the clues you may see (the clue list's rules), each with who took it and the note; filter "
            "by clue and kind. A system client needs the scope clues:read."
        ),
        parameters=[query_id("clue", _("Only the steps of this clue (its id)."))],
    ),
    retrieve=extend_schema(
        summary=_("Clue step details"),
        description=_("One step of a clue you may see. A system client needs the scope clues:read."),
    ),
    update=refused(_("Replace a clue step (unsupported)")),
    partial_update=refused(_("Change a clue step (unsupported)")),
    destroy=refused(_("Delete a clue step (unsupported)")),
)


TASK = dict(
    list=extend_schema(
        summary=_("Inspection task list"),
        description=_(
            "The inspection tasks (挑刺找茬) of your jurisdiction, newest period first; a woodpecker also sees every "
            "task of their own grid, with how many have taken it. A system client needs the scope clues:read."
        ),
    ),
    retrieve=extend_schema(
        summary=_("Inspection task details"),
        description=_(
            "One inspection task of your jurisdiction or of your own grid (a woodpecker). A system client needs the "
            "scope clues:read."
        ),
    ),
    create=extend_schema(
        summary=_("Post an inspection task"),
        description=_(
            "The staff of a community (grid worker, community secretary, township or organization-department "
            "staff) post a task for a grid of their jurisdiction (403 outside it; 400 if the unit is not a grid) and "
            "a period (400 ends_before_start if it ends before it starts). Audited. A system client needs the scope "
            "clues:write."
        ),
        examples=[
            example(
                {
                    "grid": 9,
                    "title": "冬季消防隐患排查",
                    "description": "排查楼道堆放杂物、电动车违规充电",
                    "starts_on": "2026-12-01",
                    "ends_on": "2026-12-31",
                }
            )
        ],
    ),
    update=refused(_("Replace an inspection task (unsupported)")),
    partial_update=refused(_("Change an inspection task (unsupported)")),
    destroy=refused(_("Delete an inspection task (unsupported)")),
)


TASK_TAKE = dict(
    summary=_("Take an inspection task"),
    description=_(
        "An active woodpecker of the task's grid takes the task (403 for anyone else; 404 if you cannot see "
        "it); a task whose period has ended answers 409 task_ended. Taking it again changes nothing. No body. "
        "Audited. A system client needs the scope clues:write."
    ),
)
