"""Cadre posts and what hangs on them: elevated management, joint vetting, degree study, capability assessment.

Each is configured on the generic views (core.views.generic): a list, a create form and a detail page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.permissions import CHANGE, can, can_at
from core.params import parse_year
from core.views import Column, get_scoped_or_404
from core.views.generic import ObjectActionView, require_at_or_403

from .. import filters, forms, selectors, services
from ..models import CadrePost, CapabilityAssessment, DegreeStudy, ElevatedManagement, JointVetting, PostKind
from .base import SECTION, DetailView, ListView, PersonRecordCreate, today

NAME = Column(_("full name"), "person.name", sort="person__name")
UNIT = Column(_("organization unit"), "unit.name", sort="unit__path")


def _term(post):
    return f"{post.term_start_year}–{post.term_end_year}"


class PostList(ListView):
    title = _("Cadres")
    queryset = CadrePost.objects.select_related("person", "unit").order_by("unit__path", "committee", "post", "id")
    filterset_class = filters.PostFilter
    detail_url = "cadres:post_detail"
    columns = (
        NAME,
        UNIT,
        Column(_("post"), "get_post_display", sort="post"),
        Column(_("one shoulder"), lambda p: _("yes") if p.is_one_shoulder else None),
        Column(_("term"), _term),
        Column(_("in post since"), "started_on", sort="started_on"),
    )
    actions = (
        ("cadres:post_create", _("Appoint to a post")),
        ("cadres:elevation_list", _("Elevated management")),
        ("cadres:vetting_list", _("Joint vetting and filing")),
        ("cadres:study_list", _("Degree study")),
        ("cadres:assessment_list", _("Capability ranking")),
        ("imports:start", _("Import"), ["posts"]),
        ("sheets:export", _("Export"), ["posts", "xlsx"]),
    )

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if self.request.GET.get("ended") == "1" else qs.filter(ended_on__isnull=True)


class PostCreate(PersonRecordCreate):
    title = _("Appoint to a post")
    form_class = forms.PostForm
    service = services.post_create
    success_message = _("Post recorded.")
    success_url = "cadres:post_detail"
    cancel_url = "cadres:post_list"


@login_required
def post_detail(request, pk):
    post = get_scoped_or_404(CadrePost.objects.select_related("person", "unit"), request.user, pk=pk)
    context = {
        "post": post,
        "can_change": can(request.user, CHANGE, post),
        "can_elevate": can_at(request.user, CHANGE, ElevatedManagement, post.unit)
        and post.post == PostKind.SECRETARY
        and not post.ended_on,
        "elevations": post.elevations.all(),
        "end_form": forms.PostEndForm(),
        "elevation_form": forms.ElevationForm(),
    }
    return render(request, "cadres/post_detail.html", context)


class PostAction(ObjectActionView):
    breadcrumb = SECTION
    queryset = CadrePost.objects.all()
    redirect_url = "cadres:post_detail"


class PostEnd(PostAction):
    title = _("End the post")
    form_class = forms.PostEndForm
    success_message = _("Post ended.")

    def perform(self, post, data):
        return services.post_end(post=post, ended_on=data["ended_on"], reason=data["reason"], actor=self.request.user)


class ElevationCreate(PostAction):
    title = _("Elevated management")
    form_class = forms.ElevationForm
    success_message = _("Elevated management recorded.")

    def check_permission(self, post):
        require_at_or_403(self.request.user, ElevatedManagement, post.unit)

    def perform(self, post, data):
        return services.elevation_create(post=post, actor=self.request.user, **data)


class ElevationList(ListView):
    title = _("Elevated management")
    queryset = ElevatedManagement.objects.select_related("post__person", "post__unit").order_by("-started_on", "id")
    detail_url = "cadres:elevation_detail"
    columns = (
        Column(_("full name"), "post.person.name", sort="post__person__name"),
        Column(_("organization unit"), "post.unit.name", sort="post__unit__path"),
        Column(_("direction"), "get_direction_display", sort="direction"),
        Column(_("started on"), "started_on", sort="started_on"),
        Column(_("review date"), "review_on", sort="review_on"),
    )


class ElevationDetail(DetailView):
    title = _("Elevated management")
    queryset = ElevatedManagement.objects.select_related("post__person", "post__unit")
    fields = ElevationList.columns[:3] + (
        Column(_("reason"), "reason"),
        Column(_("started on"), "started_on"),
        Column(_("review date"), "review_on"),
        Column(_("closed on"), "closed_on"),
    )


class VettingList(ListView):
    title = _("Joint vetting and filing")
    queryset = JointVetting.objects.select_related("person", "unit").order_by("-vetted_on", "id")
    detail_url = "cadres:vetting_detail"
    columns = (
        NAME,
        UNIT,
        Column(_("vetted on"), "vetted_on", sort="vetted_on"),
        Column(_("result"), "get_result_display", sort="result"),
        Column(_("filed on"), "filed_on", sort="filed_on"),
    )
    actions = (("cadres:vetting_create", _("Add")),)


class VettingCreate(PersonRecordCreate):
    title = _("Joint vetting and filing")
    form_class = forms.VettingForm
    service = services.vetting_create
    success_message = _("Vetting recorded.")
    success_url = "cadres:vetting_detail"
    cancel_url = "cadres:vetting_list"


class VettingDetail(DetailView):
    title = _("Joint vetting and filing")
    queryset = VettingList.queryset
    fields = (
        NAME,
        UNIT,
        Column(_("post"), "get_post_display"),
        Column(_("vetted on"), "vetted_on"),
        Column(_("vetting departments"), "departments"),
        Column(_("result"), "get_result_display"),
        Column(_("filed on"), "filed_on"),
    )


class StudyList(ListView):
    title = _("Degree study")
    queryset = DegreeStudy.objects.select_related("person", "unit").order_by("-enrolled_on", "id")
    detail_url = "cadres:study_detail"
    columns = (
        NAME,
        UNIT,
        Column(_("school"), "school", sort="school"),
        Column(_("degree aimed at"), "get_target_level_display", sort="target_level"),
        Column(_("enrolled on"), "enrolled_on", sort="enrolled_on"),
        Column(_("graduated on"), "graduated_on", sort="graduated_on"),
    )
    actions = (("cadres:study_create", _("Add")),)


class StudyCreate(PersonRecordCreate):
    title = _("Degree study")
    form_class = forms.StudyForm
    service = services.study_create
    success_message = _("Study recorded.")
    success_url = "cadres:study_detail"
    cancel_url = "cadres:study_list"


class StudyDetail(DetailView):
    title = _("Degree study")
    queryset = StudyList.queryset
    fields = StudyList.columns


class AssessmentList(ListView):
    """The secretaries' ranking of one year (`?year=`, default this year)."""

    title = _("Capability ranking of secretaries")
    filterset_class = filters.YearFilter
    detail_url = "cadres:assessment_detail"
    columns = (Column(_("rank"), "rank"), NAME, UNIT, Column(_("score"), "score"))
    actions = (("cadres:assessment_create", _("Add")),)

    def get_queryset(self):
        year = parse_year(self.request.GET, default=today().year)
        return selectors.assessment_ranking(user=self.request.user, year=year)

    def get_filterset(self, queryset):
        this_year = today().year
        data = {"year": str(parse_year(self.request.GET, default=this_year))}
        return self.filterset_class(
            data, queryset=queryset, request=self.request, years=range(this_year, this_year - 5, -1)
        )


class AssessmentCreate(PersonRecordCreate):
    title = _("Capability assessment")
    form_class = forms.AssessmentForm
    service = services.assessment_record
    success_message = _("Assessment recorded.")
    success_url = "cadres:assessment_detail"
    cancel_url = "cadres:assessment_list"


class AssessmentDetail(DetailView):
    title = _("Capability assessment")
    queryset = CapabilityAssessment.objects.select_related("person", "unit")
    fields = (NAME, UNIT, Column(_("year"), "year"), Column(_("score"), "score"), Column(_("comment"), "comment"))
