"""The sheet import page: upload → dry run report → confirm (or import only the valid rows).

The sheet waits for the confirmation as a file (`core.imports`: under the uploader's directory, named by an
opaque token); the session and the confirmation form hold only the token. An app configures:
- `upload_prefix`: the `core.imports` kind prefix (`"cadres"` → `cadres_<kind>`);
- `get_spec(kind)`: a dict with `resource` (its model decides who may import), `title`, `columns`, `list_url`;
  None → 403;
- `read_sheet(file)` → (headers, rows), raising ValueError for an unreadable file;
- `run_import(kind, rows, headers, *, actor, dry_run, valid_only)` → a report with `written`;
- `form_class` (a `file` field) and `template_name`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.permissions import IMPORT, units_for
from core import imports as uploads

from .generic import PortalView


class SheetImportView(PortalView):
    http_method_names = ["get", "post"]
    upload_prefix = ""
    form_class = None
    import_url = ""  # URL name taking `kind`: where an expired sheet sends the user back

    def get_spec(self, kind):
        raise NotImplementedError

    def read_sheet(self, file):
        raise NotImplementedError

    def run_import(self, kind, rows, headers, *, dry_run, valid_only=False):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kind = kwargs["kind"]
        self.spec = self.get_spec(self.kind)
        if self.spec is None:
            raise PermissionDenied
        if not units_for(request.user, self.spec["resource"]._meta.model, IMPORT):
            raise PermissionDenied(_("Your role may not import records."))
        self.upload_kind = f"{self.upload_prefix}_{self.kind}"
        self.session_key = f"import-{self.kind}"
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, report=None):
        context = self.get_context_data(
            form=form, report=report, kind=self.kind, title=self.spec["title"], columns=self.spec["columns"]
        )
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.form_class())

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = self.form_class(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                headers, rows = self.read_sheet(upload)
            except ValueError as exc:
                form.add_error("file", str(exc))
            else:
                report = self.run_import(self.kind, rows, headers, dry_run=True)
                upload.seek(0)
                token = uploads.store(user=request.user, kind=self.upload_kind, name=upload.name, content=upload.read())
                request.session[self.session_key] = token
                report.token = token
        return self.render_page(form, report)

    def confirm(self, request):
        token = request.POST.get("token", "")
        stored = None
        if request.session.get(self.session_key) == token:
            stored = uploads.load(user=request.user, kind=self.upload_kind, token=token)
        if stored is None:
            messages.error(request, _("The uploaded sheet has expired; upload it again."))
            return redirect(self.import_url, kind=self.kind)
        headers, rows = self.read_sheet(ContentFile(stored[1], name=stored[0]))
        report = self.run_import(
            self.kind, rows, headers, dry_run=False, valid_only=request.POST.get("valid_only") == "1"
        )
        if report.written:
            request.session.pop(self.session_key, None)
            uploads.discard(user=request.user, kind=self.upload_kind, token=token)
            messages.success(request, _("%(n)d rows imported.") % {"n": report.written})
            return redirect(self.spec["list_url"])
        report.token = token  # nothing written: the user may still choose to import only the valid rows
        return self.render_page(self.form_class(), report)
