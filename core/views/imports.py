"""The one set of sheet import pages (core.sheets): upload → check with a progress bar → column mapping or amount
unit when needed → preview → confirm → result, for every import kind an app registers (`core.sheets.importers`).

Who may open the upload page: IMPORT on the importer's model somewhere (`accounts.permissions.units_for`), else 403.
A job is visible to its uploader only: anyone else gets 404. The check and the write are Celery tasks
(`core.tasks`); while one runs, the page polls `progress/` (celery-progress's format) and reloads when it ends.
Eager (no worker) the task has ended before the page is drawn, which then shows its outcome at once.
"""

import json
from typing import Any

from celery.result import AsyncResult
from celery_progress.backend import Progress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import tasks
from core.models import ImportJob
from core.sheets import annotate, jobs
from core.sheets.forms import ConfirmForm, MappingForm, UnitForm, UploadForm

from .generic import PortalView

Status = ImportJob.Status
ERRORS_PER_PAGE = 50


def _importer(kind, user):
    importer = jobs.importer_for(kind, user)  # 403 for a role that may not import this kind
    if importer is None:
        raise Http404
    return importer


class ImportStart(PortalView):
    """The upload page of one import kind, with the uploader's recent jobs of that kind."""

    template_name = "core/import_start.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.importer = _importer(kwargs["kind"], request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("Import: %(title)s") % {"title": self.importer.spec.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        spec = self.importer.spec
        context.update(
            spec=spec,
            required=[c.label for c in spec.columns if c.required],
            optional=[c.label for c in spec.columns if not c.required],
            recent=ImportJob.objects.filter(uploader=self.request.user, kind=spec.kind)[:5],
        )
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=UploadForm()))

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        job = jobs.job_create(actor=request.user, kind=self.importer.spec.kind, name=upload.name, content=upload.read())
        tasks.queue(job, tasks.import_check)
        return redirect("imports:job", pk=job.pk)


def _job_or_404(request, pk) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, uploader=request.user)


class ImportJobPage(PortalView):
    """One job: progress while it runs, then the mapping step, the unit choice, the preview or the result."""

    template_name = "core/import_job.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.job = _job_or_404(request, kwargs["pk"])
        self.importer = _importer(self.job.kind, request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("Import: %(title)s") % {"title": self.importer.spec.title}

    def forms(self, data=None) -> dict:
        job, spec = self.job, self.importer.spec
        forms: dict[str, Any] = {}
        if job.status == Status.NEEDS_MAPPING:
            preview = job.preview
            forms["mapping_form"] = MappingForm(
                data, spec=spec, headers=preview.get("headers", []), missing=preview.get("missing", [])
            )
        elif job.status == Status.NEEDS_UNIT:
            forms["unit_form"] = UnitForm(data)
        elif job.status == Status.READY and job.counts.get("valid"):
            forms["confirm_form"] = ConfirmForm(data, job=job, importer=self.importer)
        elif job.status == Status.READY and self.importer.can_update:
            forms["confirm_form"] = ConfirmForm(data, job=job, importer=self.importer)
        return forms

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        page = Paginator(job.errors, ERRORS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            job=job,
            spec=self.importer.spec,
            errors_page=page,
            list_url=reverse(self.importer.list_url) if self.importer.list_url else "",
            progress_url=reverse("imports:progress", args=[job.pk]) if job.running else "",
        )
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**self.forms()))

    def post(self, request, *args, **kwargs):
        job = self.job
        forms = self.forms(request.POST)
        form = next(iter(forms.values()), None)
        if form is None:  # the job has moved on (another tab, a double click)
            return redirect("imports:job", pk=job.pk)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**forms))
        if isinstance(form, MappingForm):
            mapping = form.mapping()
            jobs.job_set_options(job, status=Status.PARSING, mapping=mapping)
            if form.cleaned_data.get("remember"):
                jobs.save_mapping(job, mapping)
            tasks.queue(job, tasks.import_check)
        elif isinstance(form, UnitForm):
            jobs.job_set_options(job, status=Status.PARSING, amount_unit=form.cleaned_data["amount_unit"])
            tasks.queue(job, tasks.import_check)
        else:
            choices = {name: bool(form.cleaned_data.get(name)) for name in form.fields}
            jobs.job_set_options(job, status=Status.WRITING, **choices)
            tasks.queue(job, tasks.import_write)
        return redirect("imports:job", pk=job.pk)


@login_required
@require_GET
@never_cache
def progress(request, pk):
    """celery-progress's JSON for the job's task (its own view would show any task's state to anyone who knows the
    id). The result is left out: the page reloads and reads the job."""
    job = _job_or_404(request, pk)
    if not job.task_id:
        info = {"state": "SUCCESS", "complete": True, "success": True, "progress": {"percent": 100}}
    else:
        info = Progress(AsyncResult(job.task_id)).get_info()
        if info.get("complete") or not job.running:
            info.update(complete=True, success=True)
    info["result"] = None
    return HttpResponse(json.dumps(info), content_type="application/json")


@login_required
@require_GET
def error_sheet(request, pk):
    """The uploaded sheet with an error column added (row errors by row), as it was uploaded otherwise."""
    job = _job_or_404(request, pk)
    built = annotate.with_errors(job)
    if built is None:
        messages.error(request, _("The uploaded sheet has expired; upload it again."))
        return redirect("imports:job", pk=job.pk)
    name, content_type, content = built
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
