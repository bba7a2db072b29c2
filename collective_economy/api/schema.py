"""The OpenAPI documentation of the collective economy API: each operation's summary and description, the query
parameters the views read by hand, the bodies the generic schema gets wrong, and the examples.

Kept apart from views.py so that the views stay readable; views.py applies these with `@...` on each class. The
texts are English msgids with their Chinese in collective_economy/locale (the schema is served in Chinese).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from core.api.schema import error_serializer

from .. import models
from . import examples as ex
from . import serializers as s

READ_SCOPE = _(" A system client needs the figures:read scope.")
NO_CLIENTS = _(" System clients may not call it (portal users only).")


def reads(summary, description, **kwargs):
    """A read operation: open to system clients with figures:read."""
    return extend_schema(summary=summary, description=format_lazy("{}{}", description, READ_SCOPE), **kwargs)


def writes(summary, description, **kwargs):
    """A write operation: the app declares no write scope, so no client token may call it."""
    return extend_schema(summary=summary, description=format_lazy("{}{}", description, NO_CLIENTS), **kwargs)


def refused(summary, description):
    """A write the viewset refuses whatever the body (its rows are written elsewhere): 405 method_not_allowed."""
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={
            405: OpenApiResponse(
                error_serializer(), description=_("The method is not available here: method_not_allowed.")
            )
        },
    )


def read_only_writes(name: str):
    """The four refused writes of a viewset whose rows are set in the back office or by their own services."""
    found = _(
        " The record is looked up first (404 outside your jurisdiction, 403 when you may see but not change it), "
        "then the request is refused."
    )
    return {
        "create": refused(
            format_lazy(_("Not available: create ({name})"), name=name),
            _("Not available through the API: the answer is always 405 method_not_allowed."),
        ),
        "update": refused(
            format_lazy(_("Not available: replace ({name})"), name=name),
            format_lazy("{}{}", _("Not available through the API: 405 method_not_allowed."), found),
        ),
        "partial_update": refused(
            format_lazy(_("Not available: change ({name})"), name=name),
            format_lazy("{}{}", _("Not available through the API: 405 method_not_allowed."), found),
        ),
        "destroy": refused(
            format_lazy(_("Not available: delete ({name})"), name=name),
            format_lazy("{}{}", _("Not available through the API: 405 method_not_allowed."), found),
        ),
    }


def shown(summary, value):
    """A response example of a read (a list's is wrapped in a page by drf-spectacular)."""
    return [OpenApiExample("example", summary=summary, value=value, response_only=True, status_codes=["200"])]


YEAR = OpenApiParameter(
    "year", OpenApiTypes.INT, description=_("Only the rows of this year (1900 to 2100; otherwise 400 invalid_year).")
)


income_reports = extend_schema_view(
    list=reads(
        _("Village collective income reports"),
        _(
            "The collective income reports of the villages in your jurisdiction, one row per version (a correction "
            "is a new version; the version it replaced turns superseded), by village, year (latest first) and "
            "version (latest first). Filters: `year`, `status`, `village_code` and `within` (a unit's code: the "
            "villages under it)."
        ),
        parameters=[
            YEAR,
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=models.ReportStatus.values,
                description=_("Only reports in this state: submitted, returned, approved or superseded."),
            ),
            OpenApiParameter("village_code", OpenApiTypes.STR, description=_("Only the reports of this village.")),
            OpenApiParameter(
                "within",
                OpenApiTypes.STR,
                description=_(
                    "Only the villages under this unit (its code); a unit outside your jurisdiction gives an empty "
                    "list."
                ),
            ),
        ],
        examples=[
            OpenApiExample(
                "approved",
                summary=_("An approved report"),
                value=ex.INCOME_REPORT,
                response_only=True,
                status_codes=["200"],
            )
        ],
    ),
    retrieve=reads(
        _("One income report"),
        _("One version of a village's income report of a year, with its ETag (404 outside your jurisdiction)."),
        examples=[
            OpenApiExample(
                "approved",
                summary=_("An approved report"),
                value=ex.INCOME_REPORT,
                response_only=True,
                status_codes=["200"],
            )
        ],
    ),
    create=writes(
        _("Submit an income report"),
        format_lazy(
            "{}{}",
            _(
                "The village's secretary submits the income report of a year for their village (`village_code`: an "
                "administrative village in your jurisdiction, otherwise 400 unknown_unit or not_a_village); it waits "
                "for the township's review (status submitted). 409 report_already_approved when the year's report is "
                "approved (submit a correction instead), 409 report_pending when one waits for review. Operating "
                "income may not exceed the total (400 operating_exceeds_total). Other roles: 403. Audited."
            ),
            _(" Other systems send yearly income in bulk through /api/v1/bulk/income/ (figures:write scope)."),
        ),
        examples=[
            OpenApiExample(
                "submit",
                summary=_("A village's 2024 report"),
                value={"village_code": "421081100201", "year": 2024, **ex.FIGURES},
                request_only=True,
            )
        ],
    ),
    update=writes(
        _("Change an income report"),
        _(
            "The village's secretary changes a report not yet approved (submitted or returned): send only the "
            "figures to change (PUT is partial too). The report is submitted again (status submitted, submitter and "
            "time renewed), so a sent-back report goes back for review. An approved or superseded report: 409 "
            "report_locked (submit a correction). Other roles: 403. Honours If-Match. Audited."
        ),
        request=s.IncomeReportUpdateSerializer,
        responses=s.IncomeReportSerializer,
        examples=[
            OpenApiExample(
                "figures",
                summary=_("Corrected figures before the review"),
                value={"total_income": "272000.00", "operating_income": "189000.00"},
                request_only=True,
            )
        ],
    ),
    partial_update=writes(
        _("Change an income report"),
        _(
            "The same as PUT: the village's secretary changes the given figures of a report not yet approved and "
            "submits it again; an approved or superseded report answers 409 report_locked. Honours If-Match. "
            "Audited."
        ),
        request=s.IncomeReportUpdateSerializer,
        responses=s.IncomeReportSerializer,
        examples=[OpenApiExample("debt", summary=_("Only the debt"), value={"debt": "80000.00"}, request_only=True)],
    ),
    destroy=refused(
        _("Not available: delete a report"),
        _(
            "Income reports are never deleted: the report is looked up (404 outside your jurisdiction, 403 when you "
            "may see but not change it), then the answer is 405 method_not_allowed. Change a pending report, or "
            "correct an approved one."
        ),
    ),
    approve=writes(
        _("Approve an income report"),
        _(
            "Township staff (or the organization department) approve a submitted report: it turns approved and is "
            "locked from then on; an approved version of the same village and year that it corrects turns "
            "superseded. A report not submitted: 409 report_not_submitted; other roles: 403. The submitter is "
            "notified, the step audited and the dashboards refreshed."
        ),
    ),
    send_back=writes(
        _("Send an income report back"),
        _(
            "Township staff (or the organization department) send a submitted report back to the secretary with "
            "the reason (`reason`: 400 required when absent, blank when empty); it turns returned and the secretary "
            "changes and resubmits it. A report not submitted: 409 report_not_submitted; other roles: 403. The "
            "submitter is notified with the reason; audited."
        ),
        examples=[
            OpenApiExample(
                "reason",
                summary=_("Sent back with the reason"),
                value={"reason": "经营性收入缺少鱼塘发包合同，请补充后重新提交。"},
                request_only=True,
            )
        ],
    ),
    correct=writes(
        _("Correct an income report"),
        _(
            "Corrects the current approved report: a new version (201) with the reason (`correction_reason`, "
            "required) whose `previous` is the corrected one; figures left out are copied from it. A correction by "
            "township staff or the organization department is approved at once (the old version turns superseded); "
            "a secretary's waits for review. A report that is not the current approved one: 409 "
            "report_not_current; a correction already waiting: 409 report_pending. Audited."
        ),
        responses={201: s.IncomeReportSerializer},
        examples=[
            OpenApiExample(
                "correction",
                summary=_("A corrected total with its reason"),
                value={
                    "total_income": "281000.00",
                    "operating_income": "190000.00",
                    "correction_reason": "审计发现光伏电站收益少计 13000 元。",
                },
                request_only=True,
            )
        ],
    ),
)

PROJECT_CHANGE = _(
    "Changes the given fields of a project (name, development model, investment, partners, status, start year, "
    "description; the village stays). The village's secretary, township staff or the organization department. "
    "Honours If-Match. Audited."
)

projects = extend_schema_view(
    list=reads(
        _("Collective economy project list"),
        _("The projects behind the collective income of the villages in your jurisdiction, by village and name."),
        examples=shown(_("A photovoltaic plant"), ex.PROJECT_SHOWN),
    ),
    retrieve=reads(
        _("One project"),
        _("One project of a village in your jurisdiction, with its ETag."),
        examples=shown(_("A photovoltaic plant"), ex.PROJECT_SHOWN),
    ),
    create=writes(
        _("Record a project"),
        _(
            "The village's secretary, township staff or the organization department record a project of an "
            "administrative village in their jurisdiction (`village_code`; otherwise 400 unknown_unit or "
            "not_a_village). Audited."
        ),
        examples=[OpenApiExample("project", summary=_("A photovoltaic plant"), value=ex.PROJECT, request_only=True)],
    ),
    update=writes(
        _("Change a project"),
        format_lazy("{}{}", PROJECT_CHANGE, _(" PUT is partial too, like PATCH.")),
        request=s.ProjectSerializer(partial=True),
        examples=[
            OpenApiExample(
                "status", summary=_("The project is in operation"), value={"status": "operating"}, request_only=True
            )
        ],
    ),
    partial_update=writes(
        _("Change a project"),
        PROJECT_CHANGE,
        examples=[
            OpenApiExample(
                "investment",
                summary=_("More investment"),
                value={"investment": "520000.00", "partners": "石首市新厂镇农业专业合作社"},
                request_only=True,
            )
        ],
    ),
    destroy=writes(
        _("Delete a project"),
        _(
            "Deletes a project not yet scored in a competition (otherwise 409 project_scored). Honours If-Match. "
            "Audited."
        ),
    ),
)

TARGET_SHARE = inline_serializer(
    "ThresholdTargetShare",
    {
        "target_share": serializers.DecimalField(
            max_digits=5,
            decimal_places=2,
            min_value=0,
            max_value=100,
            required=False,
            help_text=_("The new target share of villages over the threshold, in percent (e.g. 70)."),
        )
    },
)
TARGET_CHANGE = _(
    "Changes a target's share (`target_share`) only: a year or threshold in the body is not applied (delete the "
    "target and set a new one). Organization department or township staff of the unit; honours If-Match. Audited, "
    "and the dashboards refreshed."
)

threshold_targets = extend_schema_view(
    list=reads(
        _("Income threshold target list"),
        _(
            "The targets of the city and townships in your jurisdiction: for a year, the share of villages (percent) "
            "whose collective income should reach a threshold (yuan). Filter: `year`."
        ),
        parameters=[YEAR],
        examples=shown(_("A township's target"), ex.TARGET_SHOWN),
    ),
    retrieve=reads(
        _("One threshold target"),
        _("One threshold target in your jurisdiction, with its ETag."),
        examples=shown(_("A township's target"), ex.TARGET_SHOWN),
    ),
    create=writes(
        _("Set a threshold target"),
        _(
            "The organization department or township staff set the target share for a unit (`unit_code`: the city "
            "or a township in their jurisdiction, otherwise 400 unknown_unit or scope_unit_kind), a year and a "
            "threshold; a target of the same unit, year and threshold is changed instead (still 201). Audited, and "
            "the dashboards refreshed."
        ),
        examples=[
            OpenApiExample(
                "target",
                summary=_("70 percent of a township's villages over 200,000 yuan"),
                value=ex.THRESHOLD_TARGET,
                request_only=True,
            )
        ],
    ),
    update=writes(
        _("Change a target's share"),
        TARGET_CHANGE,
        request=TARGET_SHARE,
        examples=[OpenApiExample("share", summary=_("75 percent"), value={"target_share": "75.00"}, request_only=True)],
    ),
    partial_update=writes(
        _("Change a target's share"),
        TARGET_CHANGE,
        request=TARGET_SHARE,
        examples=[OpenApiExample("share", summary=_("75 percent"), value={"target_share": "75.00"}, request_only=True)],
    ),
    destroy=writes(
        _("Delete a threshold target"),
        _(
            "Deletes a target; the unit falls back on the target set above it. Organization department or township "
            "staff; honours If-Match. Audited, and the dashboards refreshed."
        ),
    ),
)

doubling_plans = extend_schema_view(
    list=reads(
        _("Doubling plan list"),
        _(
            "The income doubling plans of the city and townships in your jurisdiction (base year, target year, "
            "multiple), by unit and base year. Read-only here: plans are set in the back office."
        ),
    ),
    retrieve=reads(_("One doubling plan"), _("One doubling plan in your jurisdiction, with its ETag.")),
    **read_only_writes(_("doubling plan")),
)

reward_schemes = extend_schema_view(
    list=reads(
        _("Reward scheme list"),
        _(
            "The performance reward schemes of the units in your jurisdiction with their rules, by unit and "
            "effective year (latest first). Read-only here: schemes are set in the back office."
        ),
    ),
    retrieve=reads(_("One reward scheme"), _("One reward scheme with its rules, with its ETag.")),
    **read_only_writes(_("reward scheme")),
)


rewards = extend_schema_view(
    list=reads(
        _("Village reward list"),
        _(
            "The rewards computed for the villages in your jurisdiction, with how each was computed "
            "(`explanation`), by village and year (latest first); only villages with a reward above zero have a "
            "row. Filter: `year`. Written by the computation only."
        ),
        parameters=[YEAR],
        examples=shown(_("A threshold crossed"), ex.REWARD),
    ),
    retrieve=reads(
        _("One village reward"),
        _("One village's computed reward of a year, with its ETag."),
        examples=shown(_("A threshold crossed"), ex.REWARD),
    ),
    compute=writes(
        _("Compute village rewards"),
        _(
            "The organization department computes (or recomputes) the reward of every village under a unit "
            "(`scope_code`) for a year under the scheme in force, replacing those villages' earlier results of the "
            "year; only rewards above zero are kept, and the answer lists them (not paged). No scheme in force: 409 "
            "no_reward_scheme; other roles: 403. Audited, and the dashboards refreshed."
        ),
        examples=[
            OpenApiExample(
                "compute",
                summary=_("2024 for the city"),
                value={"scope_code": "421081", "year": 2024},
                request_only=True,
            )
        ],
    ),
    **read_only_writes(_("village reward")),
)

COMPETITION_RANK = inline_serializer(
    "CompetitionRank",
    {
        "rank": serializers.IntegerField(help_text=_("The rank; projects with the same average share it.")),
        "project": serializers.IntegerField(help_text=_("The project's id.")),
        "name": serializers.CharField(help_text=_("The project's name.")),
        "average": serializers.DecimalField(
            max_digits=5, decimal_places=2, help_text=_("The average score, two decimals.")
        ),
        "reviewers": serializers.IntegerField(help_text=_("How many reviewers scored the project.")),
    },
    many=True,
)

competitions = extend_schema_view(
    list=reads(
        _("Project competition list"),
        _(
            "The project competitions held by the city and townships in your jurisdiction, by year (latest first). "
            "Filter: `year`. Read-only here."
        ),
        parameters=[YEAR],
    ),
    retrieve=reads(_("One project competition"), _("One project competition, with its ETag.")),
    ranking=reads(
        _("Competition ranking"),
        _(
            "The projects of a competition ranked by their average score (highest first; equal averages share a "
            "rank, then by name), counting the scores you may see. A list, not paged."
        ),
        responses=COMPETITION_RANK,
    ),
    **read_only_writes(_("project competition")),
)

project_scores = extend_schema_view(
    list=reads(
        _("Project score list"),
        _("The reviewers' scores of projects in competitions, by competition, project and reviewer. Read-only here."),
    ),
    retrieve=reads(_("One project score"), _("One reviewer's score of a project, with its ETag.")),
    **read_only_writes(_("project score")),
)

SHARES = inline_serializer(
    "IncomeShares",
    {
        "scope": serializers.CharField(help_text=_("The unit's code.")),
        "year": serializers.IntegerField(help_text=_("The year.")),
        "villages": serializers.IntegerField(help_text=_("Administrative villages under the unit you may see.")),
        "reported": serializers.IntegerField(help_text=_("Villages with an approved report of the year.")),
        "shares": inline_serializer(
            "IncomeThresholdShare",
            {
                "threshold": serializers.DecimalField(
                    max_digits=14, decimal_places=2, help_text=_("The income threshold, in yuan.")
                ),
                "villages": serializers.IntegerField(help_text=_("All villages (the denominator of share_of_all).")),
                "reported": serializers.IntegerField(help_text=_("Villages with an approved report of the year.")),
                "missing": serializers.IntegerField(help_text=_("Villages without an approved report.")),
                "over": serializers.IntegerField(help_text=_("Reported villages whose total income reaches it.")),
                "share_of_reported": serializers.DecimalField(
                    max_digits=5,
                    decimal_places=2,
                    allow_null=True,
                    help_text=_("Share of the reported villages over it, percent (null: none reported)."),
                ),
                "share_of_all": serializers.DecimalField(
                    max_digits=5,
                    decimal_places=2,
                    allow_null=True,
                    help_text=_("Share of all villages over it, percent (null: no village)."),
                ),
                "target_share": serializers.DecimalField(
                    max_digits=5,
                    decimal_places=2,
                    allow_null=True,
                    help_text=_("The target share in force for the unit, percent (null: no target)."),
                ),
                "target_met": serializers.BooleanField(
                    allow_null=True,
                    help_text=_("Whether the share of all villages reaches the target (null: no target)."),
                ),
            },
            many=True,
            help_text=_("One entry per threshold: 100,000 and 200,000 yuan and those of the targets."),
        ),
        "missing": serializers.ListField(
            child=serializers.CharField(), help_text=_("Codes of the villages without an approved report.")
        ),
        "debt_grew": inline_serializer(
            "IncomeDebtGrowth",
            {
                "village": serializers.CharField(help_text=_("The village's code.")),
                "debt_growth": serializers.DecimalField(
                    max_digits=14, decimal_places=2, help_text=_("Debt growth over the year before, in yuan.")
                ),
            },
            many=True,
            help_text=_("Villages whose debt grew since the year before."),
        ),
    },
)

shares = extend_schema(
    summary=_("Income threshold shares"),
    description=format_lazy(
        "{}{}",
        _(
            "For a unit (`scope_code`, in your jurisdiction: otherwise 400 unknown_unit) and a year: for each "
            "threshold, the share of villages whose approved total income reaches it, of the reported villages and "
            "of all villages (a missing report stays in the denominator), against the target in force; also the "
            "villages without an approved report and those whose debt grew."
        ),
        READ_SCOPE,
    ),
    parameters=[
        OpenApiParameter(
            "scope_code", OpenApiTypes.STR, required=True, description=_("The code of the unit (e.g. 421081).")
        ),
        OpenApiParameter(
            "year", OpenApiTypes.INT, required=True, description=_("The year (otherwise 400 invalid_year).")
        ),
    ],
    responses=SHARES,
    examples=[
        OpenApiExample(
            "township",
            summary=_("A township in 2024"),
            response_only=True,
            status_codes=["200"],
            value=ex.SHARES,
        )
    ],
)
