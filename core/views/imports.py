"""The one sheet import page of the portal: upload → dry run report → confirm.

The sheet waits for the confirmation as a file (`core.imports`: under the uploader's directory, named by an
opaque token); the session holds only the token, and a confirmation form may repeat it (it must match the
session's). An app configures:
- `upload_kind`: the `core.imports` kind (`get_upload_kind()` when it depends on the URL);
- `form_class` (a `file` field) and `template_name`;
- `check_access()`: who may open the page (default: `access_action`, IMPORT, somewhere on `model`, else 403
  with `no_access_message`);
- `read_sheet(name, content)` → the sheet, raising ValueError (its message shown on the file field) when the
  file cannot be read;
- `run_import(sheet, *, dry_run, valid_only)` → a report; `has_errors(report)`, `succeeded(report)` (a confirmed
  import that wrote: the sheet is discarded and the user sent to `get_success_url()` with
  `success_message(report, sheet)`);
- `report_context(report, *, dry_run, token, sheet)`: what the app's template shows of the report;
- `keep_invalid`: keep a sheet with bad rows after the dry run (to import only its valid rows); otherwise only a
  correct sheet is kept, and a confirmation that fails discards it;
- `expired_message`: shown when the confirmed sheet is gone (expired, confirmed already, someone else's).
"""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from accounts.permissions import IMPORT, units_for
from core import imports as uploads

from .generic import PortalView


class SheetImportView(PortalView):
    http_method_names = ["get", "post"]
    form_class = None
    upload_kind = ""
    session_key = ""  # where the session keeps the token (default `import-<upload kind>`)
    keep_invalid = False
    model = None  # who may open the page: `access_action` somewhere on `model`, else 403 `no_access_message`
    access_action = IMPORT
    expired_message = gettext_lazy("The uploaded sheet has expired; upload it again.")
    no_access_message = gettext_lazy("Your role may not import records.")

    # --- what an app configures -----------------------------------------------------------------------------------

    def get_model(self):
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model, get_model() or check_access()")
        return self.model

    def check_access(self):
        if not units_for(self.request.user, self.get_model(), self.access_action):
            raise PermissionDenied(str(self.no_access_message))

    def get_upload_kind(self) -> str:
        return self.upload_kind

    def get_session_key(self) -> str:
        return self.session_key or f"import-{self.get_upload_kind()}"

    def read_sheet(self, name: str, content: bytes):
        raise NotImplementedError

    def stored_name(self, name: str) -> str:
        """The name the sheet is kept under: its extension decides how `read_sheet` reads it back."""
        return name

    def run_import(self, sheet, *, dry_run: bool, valid_only: bool = False):
        raise NotImplementedError

    def has_errors(self, report) -> bool:
        return bool(report)

    def succeeded(self, report) -> bool:
        return not self.has_errors(report)

    def success_message(self, report, sheet) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def report_context(self, report, *, dry_run: bool, token: str, sheet) -> dict:
        return {"report": report, "token": token}

    # --- the flow -------------------------------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_access()
        self.session_key = self.get_session_key()
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, **context):
        return self.render_to_response(self.get_context_data(form=form, **context))

    def get(self, request, *args, **kwargs):
        return self.render_page(self.form_class())

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm"):
            return self.confirm(request)
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        upload.seek(0)
        name, content = upload.name, upload.read()
        try:
            sheet = self.read_sheet(name, content)
        except ValueError as exc:
            form.add_error("file", str(exc))
            return self.render_page(form)
        report = self.run_import(sheet, dry_run=True)
        # The upload token (not a secret) stays empty until the checked sheet is stored.
        token = ""  # nosec B105
        if self.keep_invalid or not self.has_errors(report):
            token = uploads.store(
                user=request.user, kind=self.get_upload_kind(), name=self.stored_name(name), content=content
            )
            request.session[self.session_key] = token
        return self.render_page(form, **self.report_context(report, dry_run=True, token=token, sheet=sheet))

    def confirm(self, request):
        token = request.POST.get("token") or request.session.get(self.session_key, "")
        kind = self.get_upload_kind()
        stored = None
        if token and request.session.get(self.session_key) == token:
            stored = uploads.load(user=request.user, kind=kind, token=token)
        if stored is None:  # a forged or stale token leaves the session's own sheet in place
            messages.error(request, str(self.expired_message))
            return redirect(request.path)
        try:
            sheet = self.read_sheet(*stored)
        except ValueError as exc:  # read once already; only a changed reader could refuse it now
            messages.error(request, str(exc))
            return redirect(request.path)
        report = self.run_import(sheet, dry_run=False, valid_only=request.POST.get("valid_only") == "1")
        done = self.succeeded(report)
        if done or not self.keep_invalid:
            request.session.pop(self.session_key, None)
            uploads.discard(user=request.user, kind=kind, token=token)
        if done:
            messages.success(request, self.success_message(report, sheet))
            return redirect(self.get_success_url())
        # Nothing written: with `keep_invalid` the user may still choose to import only the valid rows.
        token = token if self.keep_invalid else ""
        context = self.report_context(report, dry_run=False, token=token, sheet=sheet)
        return self.render_page(self.form_class(), **context)
