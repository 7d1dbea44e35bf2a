"""View helpers shared by every app: thin views call these to run a form through a service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import photos, stash
from .tabular import ImportRefused, TableError, write_csv


def require_perm(request, perm, obj):
    """403 unless the user holds `perm` on `obj` (a tenant or a row of it)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def require_api_perm(request, perm, obj=None):
    """For an API endpoint: 403 unless the caller may use the API in the request's tenant (the
    token's, or the session's) and holds `perm` on `obj` (default: the tenant)."""
    if not request.user.has_perm("accounts.use_api", request.tenant):
        raise PermissionDenied
    require_perm(request, perm, obj or request.tenant)


def request_tenant(request, perm=None):
    """The request's tenant for a page that needs one: 404 when there is none (anonymous, or no
    active membership), 403 unless the user holds `perm` on it (no check when `perm` is None)."""
    tenant = request.tenant
    if not tenant:
        raise Http404
    if perm:
        require_perm(request, perm, tenant)
    return tenant


def tenant_lookup(default_perm):
    """An app's tenant lookup, `request_tenant` with the app's usual permission as the default:
    `_tenant = tenant_lookup("places.view_places")`, then `_tenant(request)` or
    `_tenant(request, "places.manage_places")`."""
    def lookup(request, perm=default_perm):
        return request_tenant(request, perm)
    return lookup


def breadcrumbs(*root):
    """An app's breadcrumb trail: `root` are (label, URL name) pairs — lazy labels, since this runs
    at import — that start every trail: `_crumbs = breadcrumbs((gettext_lazy("Places"),
    "places:building_list"))`, then `_crumbs((building.name, url), (_("Edit"), None))` gives the
    [(label, url)] list `web/partials/breadcrumbs.html` renders (the last one without a link)."""
    def crumbs(*extra):
        return [*((label, reverse(name)) for label, name in root), *extra]
    return crumbs


def int_param(value):
    """A query-string value as a non-negative int, None when it is missing or not a number."""
    return int(value) if value and str(value).isdigit() else None


def apply_validation_error(form, exc: ValidationError):
    """Show a service's ValidationError on the form (on the field when the field is on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target if target != NON_FIELD_ERRORS else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_page(request, *, form, save, success_url, template="web/form_page.html", success_message="", context=None):
    """Validate `form` on POST and call `save(form.cleaned_data)`; re-render with errors otherwise.

    `save` is a closure over one service call. A ValidationError from the service lands on the form,
    so bad input gives a specific message and nothing is written.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if success_message:
                messages.success(request, success_message)
            return redirect(success_url(result) if callable(success_url) else success_url)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


def paginate(request, queryset, per_page=50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


# --- Import previews --------------------------------------------------------------------------
IMPORT_ERRORS_SHOWN = 200  # problems listed on a preview page; the downloadable list has them all


def import_preview(*, token, file_name, counts, errors, confirm_url, back_url, errors_url="", summary=(),
                   refused=False) -> dict:
    """The context of an import's preview (`core/partials/import_check.html` and
    `core/partials/import_confirm.html`) for any importer that plans first (plan → preview → confirm).

    `counts` has rows, valid_rows and error_rows; `summary` adds the importer's own (label, value)
    pairs; `errors` are `RowError`s, of which the first `IMPORT_ERRORS_SHOWN` are listed. `errors_url`
    downloads them all (`import_errors_response`); it is not offered for a problem with the whole file
    (line 0), which the page shows in full."""
    errors = list(errors)
    return {
        "token": token, "file_name": file_name, "refused": refused, "errors": errors,
        "errors_shown": errors[:IMPORT_ERRORS_SHOWN], "valid_rows": counts["valid_rows"],
        "errors_url": errors_url if token and errors and errors[0].line != 0 else "",
        "summary": [(_("Rows in file"), counts["rows"]), (_("Valid rows"), counts["valid_rows"]),
                    (_("Rows with errors"), counts["error_rows"]), *summary],
        "confirm_url": confirm_url, "back_url": back_url,
    }


def import_upload_step(request, *, form, key, tenant, plan_import, preview):
    """The upload step of an import: on a valid POST, refuse a file above `TORG_MAX_IMPORT_BYTES`,
    stash it under the session's import `key` (`torg.core.stash`) and plan it with
    `plan_import(upload)`. Returns `preview(plan, token, file_name)` (the preview page), or None when
    there is nothing to preview (a GET, or the form now carries the error)."""
    if request.method != "POST" or not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    if upload.size > settings.TORG_MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is too large (max %(mb)d MB).")
                       % {"mb": settings.TORG_MAX_IMPORT_BYTES // (1024 * 1024)})
        return None
    token = stash.put(request, key=key, tenant=tenant, name=upload.name, data=upload.read())
    try:
        plan = plan_import(stash.get(request, key=key, tenant=tenant, token=token))
    except TableError as exc:
        stash.drop(request, key=key)
        form.add_error("file", str(exc))
        return None
    return preview(plan, token, upload.name)


def import_confirm_step(request, *, key, tenant, apply_import, refused, back_url, expired_message):
    """The confirm step: claim the stashed file of the preview (so a double click writes once) and
    write it with `apply_import(upload, valid_rows_only)` in one transaction. Returns `(plan, None)`
    when written, else `(None, response)`: the preview again with `refused(plan, token, file_name)`
    (status 422) when the importer refused, or a redirect to `back_url` with a message when the file
    is gone or unreadable or the service refuses the write (a ValidationError, e.g. a closed plan). A
    refused import rolls the claim back, so it can be confirmed again."""
    token = request.POST.get("token", "")
    valid_only = request.POST.get("valid_rows_only") == "1"
    upload = None
    try:
        with transaction.atomic():
            upload = stash.claim(request, key=key, tenant=tenant, token=token)
            if upload is None:
                messages.error(request, expired_message)
                return None, redirect(back_url)
            plan = apply_import(upload, valid_only)
    except ImportRefused as exc:
        response = refused(exc.plan, token, upload.name)
        response.status_code = 422
        return None, response
    except (TableError, ValidationError) as exc:  # unreadable now, or the target refuses (e.g. a closed plan)
        messages.error(request, str(exc) if isinstance(exc, TableError) else " ".join(exc.messages))
        stash.drop(request, key=key)
        return None, redirect(back_url)
    stash.drop(request, key=key)
    return plan, None


def import_errors_response(upload, plan_import, *, file_name="torg-import-problems.csv"):
    """An import preview's problems as a CSV download (line, column, problem), for fixing a large file.
    `upload` is the file the preview stashed (None, e.g. another session's token: 404), planned again
    with `plan_import(upload)`; nothing is written."""
    if upload is None:
        raise Http404
    try:
        errors = plan_import(upload).errors
    except TableError:
        raise Http404 from None
    content = write_csv([_("Line"), _("Column"), _("Problem")], [[e.line, e.column, e.message] for e in errors])
    return download(content, file_name)


DOWNLOAD_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "ics": "text/calendar; charset=utf-8"}


def download(content, file_name, *, inline=False):
    """A file for the browser to save (or, `inline`, to show), its content type from the name's suffix."""
    response = HttpResponse(content, content_type=DOWNLOAD_TYPES[file_name.rsplit(".", 1)[-1]])
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{file_name}"'
    return response


@require_safe
def file(request, key, pk):
    """A stored file (a photo) at /files/<key>/<pk>/, only when the rule its app registered allows the
    request (see torg.core.photos); anything else — another municipality, no login, an id that does
    not exist — is the same 404."""
    return photos.serve_row(request, key, pk)
