"""Booking pages. Thin: parse, check permission, call one query or service, render."""

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from torg.core import audit
from torg.core.audit_display import describe
from torg.core.photos import serve as serve_file
from torg.core.tabular import write_csv, write_xlsx
from torg.core.views import apply_validation_error, breadcrumbs, download, form_page, paginate, tenant_lookup
from torg.places.models import Building

from . import ical, pricing, queries, services
from .forms import (AgreementForm, BookingForm, ControllerForm, DoorForm, FilterForm, FreeRoomForm, HolidaysForm,
                    InvoicingForm, MoveForm, OpeningExceptionForm, OpeningHoursForm, PhotoForm, PolicyForm,
                    PriceRuleForm, QuickBookForm, QuickFilterForm, ReasonForm, ResourceForm, RulesEditForm, SeriesForm,
                    StaffBookingFilterForm)
from .models import DETAIL_FIELDS, POLICY_FIELDS, default_policy
from .states import MACHINE, UNDO_MINUTES, restore_target
from .models import (Booking, Door, DoorController, MeraapentAgreement, OpeningException, OpeningHours,
                     ResourcePhoto)


_tenant = tenant_lookup("booking.view_resources")


_crumbs = breadcrumbs((gettext_lazy("Booking"), "booking:home"))


def _own_or_staff(request, booking):
    if not queries.can_see_booking(booking, request.user):
        raise Http404  # do not reveal other people's bookings


@login_required
def home(request):
    """Find a room: the search (a date and time shows which rooms are free then), the rooms, and the
    user's unread notices (newest first, folded)."""
    tenant = _tenant(request)
    form, filters = _filters(request, tenant, form_class=FreeRoomForm)
    role = request.membership.role if request.membership else None
    resources = queries.bookable_resources(user=request.user, tenant=tenant, role=role, **filters)
    options = None
    if form.is_valid() and form.cleaned_data.get("start"):
        d = form.cleaned_data
        options = queries.free_options(tenant=tenant, resources=resources, start=d["start"],
                                       minutes=int((d["end"] - d["start"]).total_seconds() // 60))
        problems = {"busy": _("Booked then"), "closed": _("Closed then"),
                    "length": _("Cannot be booked for that long")}
        for o in options:
            o["problem_text"] = problems.get(o["problem"], "")
        options.sort(key=lambda o: o["problem"] is not None)
    notifications = queries.unread_notifications(tenant=tenant, user=request.user)
    return render(request, "booking/home.html", {
        "form": form, "resources": resources, "notifications": notifications, "options": options,
        "is_staff": request.user.has_perm("booking.manage_bookings", tenant),
        "can_set_prices": request.user.has_perm("booking.manage_resources", tenant),
        "pending": queries.approval_queue(tenant=tenant).count()
        if request.user.has_perm("booking.manage_bookings", tenant) else 0,
        "buildings": queries.buildings_with_resources(tenant=tenant),
        "has_quick": request.user.has_perm("booking.quick_book", tenant) and queries.with_checkin(
            queries.bookable_resources(user=request.user, tenant=tenant, role=role)).exists(),
        "crumbs": [(_("Booking"), None)],
    })


def _filters(request, tenant, form_class=FilterForm):
    form = form_class(request.GET or None, equipment=queries.equipment_choices(tenant=tenant))
    filters = {}
    if form.is_valid():
        filters = {"min_capacity": form.cleaned_data.get("capacity"),
                   "step_free": form.cleaned_data.get("step_free"),
                   "equipment": form.cleaned_data.get("equipment") or None}
    return form, filters


@login_required
def building_week(request, building_pk):
    """All bookable resources of a building for one week: booked times and free hours per day."""
    tenant = _tenant(request)
    building = get_object_or_404(Building, tenant=tenant, pk=building_pk)
    form, filters = _filters(request, tenant)
    monday = _monday(request)
    days, rows = queries.building_week(tenant=tenant, building=building, monday=monday, **filters)
    query = request.GET.copy()
    query.pop("week", None)
    return render(request, "booking/building_week.html", {
        "building": building, "form": form, "days": days, "rows": rows, "monday": monday,
        "prev_week": monday - dt.timedelta(days=7), "next_week": monday + dt.timedelta(days=7),
        "filter_query": query.urlencode(),
        # translated once, not once per cell (500 resources × 7 days)
        "h_free": _("h free"), "booked_label": _("Booked:"),
        "crumbs": _crumbs((building.name, None)),
    })


@login_required
@require_POST
def notifications_read(request):
    """Mark the user's notices read: one (`notification`) or all."""
    tenant = _tenant(request)
    one = request.POST.get("notification", "")
    services.notifications_mark_read(actor=request.user, tenant=tenant, pk=int(one) if one.isdigit() else None)
    return redirect("booking:home")


def _monday(request):
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def _first_day(request):
    """The first of the seven days shown: `?week=` (any date), else today."""
    try:
        return dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def resource_week(request, pk):
    """A resource's next seven days (from today, or `?week=`): a table on wide screens, day by day on
    a phone. Times that have started are not offered."""
    tenant = _tenant(request)
    resource = queries.resource_get(tenant=tenant, pk=pk)
    first = _first_day(request)
    today = timezone.localdate()
    days, rows = queries.week_grid(resource=resource, monday=first, step_minutes=60)
    return render(request, "booking/resource_week.html", {
        "resource": resource, "rules": resource.rules, "days": days, "rows": rows, "monday": first,
        "day_list": queries.week_days(days, rows), "today": today,
        "photos": resource.photos.all(),
        "prev_week": max(first - dt.timedelta(days=7), today) if first > today else None,
        "next_week": first + dt.timedelta(days=7),
        "can_book": request.user.has_perm("booking.book", tenant),
        "can_manage": request.user.has_perm("booking.manage_resources", tenant),
        "rules_source": _rules_source_text(resource.rules, resource.building),
        "can_see_bookings": request.user.has_perm("booking.manage_bookings", tenant),
        "upcoming": queries.resource_upcoming(resource=resource)
        if request.user.has_perm("booking.manage_bookings", tenant) else None,
        "crumbs": _crumbs((resource.name, None)),
    })


def _initial_from_query(request):
    try:
        start = dt.datetime.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        return {}
    if timezone.is_naive(start):
        start = start.replace(tzinfo=queries.OSLO)
    local = timezone.localtime(start, queries.OSLO)
    try:
        end = dt.time.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = (local + dt.timedelta(hours=1)).time()
    return {"date": local.date(), "start_time": local.time(), "end_time": end}


def _unit(request, resource):
    """The user's municipal unit, when units may book this resource (for "book for my unit")."""
    membership = request.membership
    if membership is None or membership.org_unit_id is None or not resource.rules.allow_units:
        return None
    return membership.org_unit


def _price_intro(request, tenant, resource, form):
    """The prices a booking would have, before it is made: for the person and for each organisation
    they may book for (the price is stored when the booking is made)."""
    categories = [pricing.category_for(actor_type=services.actor_type(request.user, tenant, None, None))]
    if "organisation" in form.fields:
        categories += [pricing.category_for(actor_type="association", organisation=org)
                       for org in form.fields["organisation"].queryset]
    lines = []
    for label, rules in pricing.price_list(resource, list(dict.fromkeys(categories))):
        lines.append(_("Price for %(category)s: %(rules)s.") % {
            "category": str(label).lower(), "rules": "; ".join(rules) if rules else _("free of charge")})
    return " ".join(lines)


@login_required
def booking_create(request, pk):
    """Two steps: the form, then a summary (what, where, when, price and terms, who) with *Confirm*.
    Only the confirmed summary (`confirm` in the POST) books; *Change* (`edit`) goes back to the form
    with what was entered. The summary runs the same checks as booking, so a taken time is said at once."""
    tenant = _tenant(request, "booking.book")
    resource = queries.resource_get(tenant=tenant, pk=pk)
    form = BookingForm(request.POST or None, user=request.user, tenant=tenant, resource=resource,
                       unit=_unit(request, resource), initial=_initial_from_query(request))
    week_url = reverse("booking:resource_week", args=[resource.pk])
    context = {"title": _("Book %(name)s") % {"name": resource.name}, "submit_label": _("Continue"),
               "cancel_url": week_url, "crumbs": _crumbs((resource.name, week_url), (_("Book"), None)),
               "intro": _price_intro(request, tenant, resource, form)}
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        d = form.cleaned_data
        args = {"actor": request.user, "tenant": tenant, "resource": resource, "start": d["start"], "end": d["end"],
                "organisation": d.get("organisation"), "org_unit": d.get("org_unit"),
                "responsible": d.get("responsible") if d.get("organisation") else None}
        try:
            if "confirm" in request.POST:
                booking = services.booking_create(**args, title=d.get("title", ""),
                                                  idempotency_key=d["idempotency_key"])
                messages.success(request, _("Your booking is registered."))
                return redirect("booking:booking_detail", pk=booking.pk)
            preview = services.booking_preview(**args)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(request, "booking/booking_summary.html", {
                **context, "resource": resource, "d": d, "preview": preview,
                "hidden": [(k, v) for k, v in request.POST.items() if k in form.fields]})
    status = 422 if request.method == "POST" and form.errors else 200
    if "edit" in request.POST:
        form = BookingForm(initial={k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
                           user=request.user, tenant=tenant, resource=resource, unit=_unit(request, resource))
        status = 200
    return render(request, "web/form_page.html", {"form": form, **context}, status=status)


@login_required
def quick(request):
    """Activity-based offices: find a free desk or meeting room from now (or later today) and book it
    with one button; a booking that starts now is checked in at once. Also lists today's bookings
    with their check-in buttons."""
    tenant = _tenant(request, "booking.quick_book")
    role = request.membership.role if request.membership else None
    buildings = queries.buildings_with_resources(tenant=tenant).filter(
        pk__in=queries.with_checkin(queries.resource_list(tenant=tenant)).values("building_id"))
    form = QuickFilterForm(request.GET or None, buildings=buildings)
    now = timezone.now()
    start, minutes, building = now, 60, None
    if form.is_valid():
        d = form.cleaned_data
        minutes, building = d.get("minutes") or 60, d.get("building")
        today = timezone.localtime(now, queries.OSLO).date()
        day = d.get("date") or today
        if day != today or d.get("start_time"):
            start = max(now, dt.datetime.combine(day, d.get("start_time") or dt.time(8), queries.OSLO))
    status = 200
    if request.method == "POST":
        book = QuickBookForm(request.POST)
        if not book.is_valid():
            messages.error(request, _("The booking could not be read. Choose the room again."))
            status = 422
        else:
            d = book.cleaned_data
            resource = queries.resource_get(tenant=tenant, pk=d["resource"])
            try:
                booking = services.booking_quick(
                    actor=request.user, tenant=tenant, resource=resource, start=d["start"],
                    end=d["start"] + dt.timedelta(minutes=d["minutes"]), idempotency_key=d["idempotency_key"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                status = 422
            else:
                text = (_("%(resource)s is booked until %(end)s. You are checked in.") if booking.checked_in_at else
                        _("%(resource)s is booked until %(end)s. Remember to check in when you arrive."))
                messages.success(request, text % {
                    "resource": resource.name, "end": timezone.localtime(booking.end, queries.OSLO).strftime("%H:%M")})
                return redirect(request.get_full_path())
    options = queries.quick_options(tenant=tenant, role=role, start=start, minutes=minutes,
                                    building=building.pk if building else None)
    today = list(queries.my_bookings_today(tenant=tenant, user=request.user, now=now))
    for b in today:
        b.can_check_in = queries.can_check_in(b, now)
    context = {
        "form": form, "free": [o for o in options if o["problem"] is None],
        "taken": [o for o in options if o["problem"] is not None], "minutes": minutes, "today": today,
        "idempotency_key": secrets.token_urlsafe(24), "crumbs": _crumbs((_("Quick booking"), None)),
    }
    template = "booking/partials/quick_results.html" if request.htmx and request.method == "GET" else \
        "booking/quick.html"
    return render(request, template, context, status=status)


@login_required
def booking_detail(request, pk):
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    _own_or_staff(request, booking)
    is_booker = booking.booker_id == request.user.pk
    can_manage = request.user.has_perm("booking.manage_bookings", booking)
    available = MACHINE.available(booking, request.user)
    verbs = {t.verb for t in available}
    return render(request, "booking/booking_detail.html", {
        "booking": booking, "is_booker": is_booker,
        "can_manage": can_manage,
        "can_approve": "confirm" in verbs, "can_reject": "reject" in verbs, "can_cancel": "cancel" in verbs,
        "can_restore": "restore" in verbs,
        "undo_minutes": UNDO_MINUTES,
        "can_move": booking.is_active and booking.end > timezone.now() and (is_booker or can_manage),
        "can_mark_no_show": can_manage and booking.status == Booking.Status.CONFIRMED and not booking.no_show
        and booking.checked_in_at is None and booking.start <= timezone.now(),
        "can_check_in": is_booker and booking.status == Booking.Status.CONFIRMED
        and booking.resource.rules.checkin_minutes and not booking.checked_in_at and booking.end > timezone.now(),
        "has_code_option": request.user.pk in (booking.booker_id, booking.responsible_id)
        and booking.status == Booking.Status.CONFIRMED and booking.meraapent
        and booking.end > timezone.now(),
        "history": describe(audit.history_for(booking, tenant)),
        "reason_form": ReasonForm(),
        "crumbs": _crumbs((_("My bookings"), reverse("booking:my_bookings")), (booking.resource.name, None)),
    })


@login_required
def my_bookings(request):
    tenant = _tenant(request)
    page = paginate(request, queries.my_bookings(tenant=tenant, user=request.user))
    feeds = queries.feeds_of(tenant=tenant, user=request.user)
    organisations = request.user.represents.filter(tenant=tenant, archived=False)
    feed_rows = [(None, feeds.get(None))] + [(org, feeds.get(org.pk)) for org in organisations]
    return render(request, "booking/my_bookings.html", {
        "page_obj": page, "feed_rows": feed_rows, "crumbs": _crumbs((_("My bookings"), None))})


@login_required
@require_POST
def feed_rotate(request):
    tenant = _tenant(request)
    organisation = None
    if request.POST.get("organisation"):
        organisation = get_object_or_404(request.user.represents, tenant=tenant, pk=request.POST["organisation"])
    services.calendar_feed_rotate(actor=request.user, tenant=tenant, organisation=organisation)
    messages.success(request, _("A new calendar address is ready. The old one no longer works."))
    return redirect("booking:my_bookings")


def _transition(request, pk, to, success):
    """POST: give the booking the status `to` (or `to(booking)`) through the machine, with the reason."""
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    _own_or_staff(request, booking)
    if callable(to):
        to = to(booking)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.booking_transition(actor=request.user, booking=booking, to=to,
                                    reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    else:
        messages.success(request, success)
    return redirect(_next_or(request, reverse("booking:booking_detail", args=[booking.pk])))


def _next_or(request, default):
    """The form's `next` address when it is on this site, else `default` (never redirect off site)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return default
    return target


@login_required
def booking_cancel(request, pk):
    """GET: what will be cancelled, with a confirm button (and a reason for staff); POST: cancel. The
    booker may undo their own cancellation for a few minutes (`booking_restore`)."""
    if request.method == "POST":
        return _transition(request, pk, Booking.Status.CANCELLED,
                           _("The booking is cancelled. You can undo it for %(n)s minutes.") % {"n": UNDO_MINUTES})
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    _own_or_staff(request, booking)
    if Booking.Status.CANCELLED not in {t.target for t in MACHINE.available(booking, request.user)}:
        messages.error(request, _("This booking can no longer be cancelled here. Contact the staff."))
        return redirect("booking:booking_detail", pk=booking.pk)
    return render(request, "booking/cancel_confirm.html", {
        "booking": booking, "is_booker": booking.booker_id == request.user.pk, "reason_form": ReasonForm(),
        "undo_minutes": UNDO_MINUTES,
        "crumbs": _crumbs((_("My bookings"), reverse("booking:my_bookings")),
                          (booking.resource.name, reverse("booking:booking_detail", args=[booking.pk])),
                          (_("Cancel"), None)),
    })


@login_required
@require_POST
def booking_restore(request, pk):
    """Undo: the booker takes back their own cancellation (within UNDO_MINUTES, if the time is still free);
    the booking gets back the status it had."""
    return _transition(request, pk, lambda b: restore_target(b) or Booking.Status.CONFIRMED,
                       _("The cancellation is undone. The booking is yours again."))


@login_required
@require_POST
def booking_check_in(request, pk):
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    if booking.booker_id != request.user.pk:
        raise Http404
    try:
        services.booking_check_in(actor=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You are checked in."))
    return redirect(_next_or(request, reverse("booking:booking_detail", args=[booking.pk])))


@login_required
@require_POST
def booking_no_show(request, pk):
    """Staff: nobody came to this booking."""
    tenant = _tenant(request, "booking.manage_bookings")
    booking = queries.booking_get(tenant=tenant, pk=pk)
    try:
        services.booking_mark_no_show(actor=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The booking is marked as a no-show."))
    return redirect("booking:booking_detail", pk=booking.pk)


@login_required
@require_POST
def series_cancel_from(request, pk):
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    _own_or_staff(request, booking)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        n = services.series_cancel_from(actor=request.user, booking=booking,
                                        reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("booking:booking_detail", pk=booking.pk)
    messages.success(request, _("%(n)s bookings in the series are cancelled.") % {"n": n})
    return redirect("booking:my_bookings")


@login_required
def booking_move(request, pk):
    """Move one booking, or it and the rest of its series: form → preview with conflicts → confirm."""
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    _own_or_staff(request, booking)
    if not booking.is_active:
        raise Http404
    local = timezone.localtime(booking.start, queries.OSLO)
    form = MoveForm(request.POST or None, series=bool(booking.series_id), initial={
        "date": local.date(), "start_time": local.time(),
        "end_time": timezone.localtime(booking.end, queries.OSLO).time(), "scope": "this"})
    preview, status = None, 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if "confirm" in request.POST:
                n = services.booking_move(actor=request.user, booking=booking, start=d["start"], end=d["end"],
                                          scope=d["scope"], keep=request.POST.getlist("keep"))
                messages.success(request, ngettext("%(n)s booking is moved.", "%(n)s bookings are moved.", n)
                                 % {"n": n})
                return redirect("booking:booking_detail", pk=booking.pk)
            preview = services.booking_move_preview(actor=request.user, booking=booking, start=d["start"],
                                                    end=d["end"], scope=d["scope"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
            status = 422
    elif request.method == "POST":
        status = 422
    return render(request, "booking/move_form.html", {
        "form": form, "booking": booking, "preview": preview,
        "conflicts": sum(1 for row in preview or [] if row["problem"]),
        "crumbs": _crumbs((_("My bookings"), reverse("booking:my_bookings")),
                          (booking.resource.name, reverse("booking:booking_detail", args=[booking.pk])),
                          (_("Change time"), None)),
    }, status=status)


@login_required
@require_POST
def booking_approve(request, pk):
    _tenant(request, "booking.manage_bookings")
    return _transition(request, pk, Booking.Status.CONFIRMED, _("The booking is approved."))


@login_required
@require_POST
def booking_reject(request, pk):
    _tenant(request, "booking.manage_bookings")
    return _transition(request, pk, Booking.Status.REJECTED, _("The request is rejected."))


@login_required
def approvals(request):
    tenant = _tenant(request, "booking.manage_bookings")
    page = paginate(request, queries.approval_queue(tenant=tenant))
    return render(request, "booking/approvals.html", {
        "page_obj": page, "reason_form": ReasonForm(), "crumbs": _crumbs((_("Requests to approve"), None))})


def _booking_export_columns():
    return [_("Booking"), _("Building"), _("Resource"), _("Start"), _("End"), _("Status"), _("Booked by"),
            _("E-mail"), _("On behalf of"), _("Purpose"), _("Registered")]


def _local_text(value):
    return timezone.localtime(value, queries.OSLO).strftime("%Y-%m-%d %H:%M")


@login_required
def staff_bookings(request):
    """Staff: every booking of the municipality, filtered, sorted and paginated; XLSX export."""
    tenant = _tenant(request, "booking.manage_bookings")
    form = StaffBookingFilterForm(request.GET or None, tenant=tenant,
                                  buildings=queries.buildings_with_resources(tenant=tenant))
    filters = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {"first": d.get("first"), "last": d.get("last"), "status": d.get("status") or "",
                   "text": d.get("q") or "", "resource": d.get("resource"), "building": d.get("building"),
                   "sort": d.get("sort") or "start"}
    elif form.is_bound:
        filters = None
    bookings = queries.booking_search(tenant=tenant, **filters) if filters is not None else Booking.objects.none()
    if request.GET.get("format") == "xlsx" and filters is not None:
        rows = ([b.pk, b.resource.building.name, b.resource.name, _local_text(b.start), _local_text(b.end),
                 b.get_status_display(), str(b.booker), b.booker.email,
                 b.organisation.name if b.organisation_id else "", b.title, _local_text(b.created_at)]
                for b in bookings.iterator(chunk_size=2000))
        data = write_xlsx([str(c) for c in _booking_export_columns()], rows, title=_("Bookings"))
        return download(data, "bookings.xlsx")
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(request, "booking/staff_bookings.html", {
        "form": form, "page_obj": paginate(request, bookings), "export_query": query.urlencode(),
        "crumbs": _crumbs((_("All bookings"), None))}, status=200 if filters is not None else 422)


@login_required
def series_create(request, pk):
    """Step 1: the form; step 2 (POST preview): every date with conflicts; step 3 (POST confirm): create."""
    tenant = _tenant(request, "booking.book")
    resource = queries.resource_get(tenant=tenant, pk=pk)
    form = SeriesForm(request.POST or None, user=request.user, tenant=tenant, resource=resource,
                      initial=_initial_from_query(request))
    preview = None
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        minutes = int((d["end"] - d["start"]).total_seconds() // 60)
        responsible = d.get("responsible") if d.get("organisation") else None
        try:
            rrule = services.build_rrule(frequency=d["frequency"], dtstart=d["start"], until=d.get("until"),
                                         count=d.get("count"))
            if "confirm" in request.POST:
                series = services.series_create(
                    actor=request.user, tenant=tenant, resource=resource, rrule=rrule, dtstart=d["start"],
                    minutes=minutes, organisation=d.get("organisation"), title=d.get("title", ""),
                    skip_dates=request.POST.getlist("skip"), responsible=responsible)
                messages.success(request, _("The series is booked: %(n)s dates.") % {"n": series.bookings.count()})
                return redirect("booking:my_bookings")
            preview = services.series_preview(actor=request.user, tenant=tenant, resource=resource, rrule=rrule,
                                              dtstart=d["start"], minutes=minutes,
                                              organisation=d.get("organisation"), responsible=responsible)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            status = 422
    elif request.method == "POST":
        status = 422
    return render(request, "booking/series_form.html", {
        "form": form, "resource": resource, "preview": preview,
        "conflicts": sum(1 for row in preview or [] if row["problem"]),
        "crumbs": _crumbs((resource.name, reverse("booking:resource_week", args=[resource.pk])),
                          (_("Recurring booking"), None)),
    }, status=status)


# --- Resources and opening calendar (staff) ------------------------------------------------
@login_required
def resource_create(request):
    tenant = _tenant(request, "booking.manage_resources")
    form = ResourceForm(request.POST or None, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.resource_create(
            actor=request.user, tenant=tenant, name=d["name"], kind=d["kind"], building=d["building"],
            room=d.get("room"), parent=d.get("parent"), **{f: d[f] for f in DETAIL_FIELDS},
            **({f: d[f] for f in POLICY_FIELDS} if d["source"] == "own" else {})),
        success_url=lambda r: reverse("booking:resource_week", args=[r.pk]),
        success_message=_("The resource can now be booked."),
        context={"title": _("New bookable resource"), "cancel_url": reverse("booking:home"),
                 "crumbs": _crumbs((_("New bookable resource"), None))},
    )


@login_required
@require_POST
def resource_archive(request, pk):
    """Staff stop a resource from being booked (archive) or make it bookable again (restore).
    Existing bookings are kept; cancel them from their pages if needed."""
    tenant = _tenant(request, "booking.manage_resources")
    resource = queries.resource_get(tenant=tenant, pk=pk)
    archived = request.POST.get("archived") == "1"
    services.resource_set_archived(actor=request.user, resource=resource, archived=archived)
    messages.success(request, _("The resource can no longer be booked.") if archived else
                     _("The resource can be booked again."))
    return redirect("booking:resource_week", pk=resource.pk)


@login_required
def resource_photos(request, pk):
    """Staff add photos (with a description) to a resource, or remove them."""
    tenant = _tenant(request, "booking.manage_resources")
    resource = queries.resource_get(tenant=tenant, pk=pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and "delete" in request.POST:
        photo = get_object_or_404(ResourcePhoto, tenant=tenant, resource=resource, pk=request.POST["delete"])
        services.resource_photo_delete(actor=request.user, photo=photo)
        messages.success(request, _("The photo is removed."))
        return redirect("booking:resource_photos", pk=resource.pk)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.resource_photo_add(actor=request.user, resource=resource, upload=form.cleaned_data["photo"],
                                            alt=form.cleaned_data["alt"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The photo is added."))
                return redirect("booking:resource_photos", pk=resource.pk)
        status = 422
    return render(request, "booking/resource_photos.html", {
        "resource": resource, "form": form, "photos": resource.photos.all(),
        "crumbs": _crumbs((resource.name, reverse("booking:resource_week", args=[resource.pk])), (_("Photos"), None)),
    }, status=status)


def _rules_source_text(rules, building):
    if rules.source == "resource":
        return _("Own rules for this resource.")
    if rules.source == "building":
        return _("Inherited from the building %(building)s.") % {"building": building.name}
    return _("The default rules (%(building)s has no rules of its own yet).") % {"building": building.name}


@login_required
def rules_edit(request, pk):
    """A resource's description and rules: follow the building's rules, or its own."""
    tenant = _tenant(request, "booking.manage_resources")
    resource = queries.resource_get(tenant=tenant, pk=pk)
    form = RulesEditForm(request.POST or None, resource=resource, building_name=resource.building.name)
    return form_page(
        request, form=form, template="booking/rules_form.html",
        save=lambda d: services.rules_update(
            actor=request.user, resource=resource, inherit=d["source"] == "building",
            **{f: d[f] for f in (*DETAIL_FIELDS, *POLICY_FIELDS)}),
        success_url=reverse("booking:resource_week", args=[resource.pk]),
        success_message=_("The rules are saved."),
        context={"title": _("Rules for %(name)s") % {"name": resource.name}, "resource": resource,
                 "source_text": _rules_source_text(resource.rules, resource.building),
                 "cancel_url": reverse("booking:resource_week", args=[resource.pk]),
                 "crumbs": _crumbs((resource.name, reverse("booking:resource_week", args=[resource.pk])),
                                   (_("Rules"), None))},
    )


@login_required
def building_rules(request, building_pk):
    """A building's booking rules, and which of its resources follow them or have their own."""
    tenant = _tenant(request, "booking.manage_resources")
    building = get_object_or_404(Building, tenant=tenant, pk=building_pk)
    if request.method == "POST" and "inherit" in request.POST:
        resource = queries.resource_get(tenant=tenant, pk=request.POST["inherit"])
        if resource.building_id != building.pk:
            raise Http404
        services.rules_update(actor=request.user, resource=resource, inherit=True)
        messages.success(request, _("%(resource)s now follows the building's rules.") % {"resource": resource.name})
        return redirect("booking:building_rules", building_pk=building.pk)
    current = queries.building_rules(tenant=tenant, building=building)
    form = PolicyForm(request.POST or None, initial=current.policy() if current else default_policy())
    return form_page(
        request, form=form, template="booking/building_rules.html",
        save=lambda d: services.building_rules_update(actor=request.user, tenant=tenant, building=building, **d),
        success_url=reverse("booking:building_rules", args=[building.pk]),
        success_message=_("The building's rules are saved."),
        context={"title": _("Booking rules for %(building)s") % {"building": building.name}, "building": building,
                 "has_rules": current is not None,
                 "resources": queries.building_resources_rules(tenant=tenant, building=building),
                 "crumbs": _crumbs((building.name, reverse("booking:building_week", args=[building.pk])),
                                   (_("Booking rules"), None))},
    )


@login_required
def opening_calendar(request, building_pk):
    tenant = _tenant(request, "booking.manage_resources")
    building = get_object_or_404(Building, tenant=tenant, pk=building_pk)
    hours_form = OpeningHoursForm(request.POST if "add_hours" in request.POST else None, prefix="h")
    exception_form = OpeningExceptionForm(request.POST if "add_exception" in request.POST else None, prefix="x")
    holidays_form = HolidaysForm(request.POST if "add_holidays" in request.POST else None, prefix="y",
                                 initial={"year": timezone.localdate().year})
    status, done = 200, _("The opening calendar is saved.")
    if request.method == "POST":
        try:
            if "delete_hours" in request.POST:
                services.opening_delete(actor=request.user, obj=get_object_or_404(
                    OpeningHours, tenant=tenant, building=building, pk=request.POST["delete_hours"]))
            elif "delete_exception" in request.POST:
                services.opening_delete(actor=request.user, obj=get_object_or_404(
                    OpeningException, tenant=tenant, building=building, pk=request.POST["delete_exception"]))
            elif "add_hours" in request.POST and hours_form.is_valid():
                services.opening_hours_add(actor=request.user, tenant=tenant, building=building,
                                           **hours_form.cleaned_data)
            elif "add_exception" in request.POST and exception_form.is_valid():
                services.opening_exception_add(actor=request.user, tenant=tenant, building=building,
                                               **exception_form.cleaned_data)
            elif "add_holidays" in request.POST and holidays_form.is_valid():
                n = services.opening_holidays_add(actor=request.user, tenant=tenant, building=building,
                                                  year=holidays_form.cleaned_data["year"])
                done = ngettext("%(n)s public holiday is added as a closed day.",
                                "%(n)s public holidays are added as closed days.", n) % {"n": n}
            else:
                raise ValidationError(_("Check the form."))
        except ValidationError as exc:
            form = (exception_form if "add_exception" in request.POST else
                    holidays_form if "add_holidays" in request.POST else hours_form)
            apply_validation_error(form, exc)
            status = 422
        else:
            messages.success(request, done)
            return redirect("booking:opening_calendar", building_pk=building.pk)
    return render(request, "booking/opening_calendar.html", {
        "building": building, "hours_form": hours_form, "exception_form": exception_form,
        "holidays_form": holidays_form,
        "hours": OpeningHours.objects.filter(tenant=tenant, building=building),
        "exceptions": OpeningException.objects.filter(tenant=tenant, building=building,
                                                      date__gte=timezone.localdate()),
        "crumbs": _crumbs((_("Opening hours"), None)),
    }, status=status)


# --- Meråpent -------------------------------------------------------------------------------
@login_required
def meraapent_agreement(request, building_pk):
    tenant = _tenant(request, "booking.book")
    building = get_object_or_404(Building, tenant=tenant, pk=building_pk)
    existing = MeraapentAgreement.objects.filter(user=request.user, building=building).first()
    form = AgreementForm(request.POST or None, initial={"birth_date": request.user.birth_date})
    return form_page(
        request, form=form, template="booking/meraapent_form.html",
        save=lambda d: services.meraapent_agreement_sign(actor=request.user, tenant=tenant, building=building,
                                                         birth_date=d["birth_date"], accept_terms=d["accept_terms"]),
        success_url=reverse("booking:home"),
        success_message=_("Thank you. You may now book and enter %(building)s in meråpent hours.")
        % {"building": building.name},
        context={"title": _("Meråpent agreement for %(building)s") % {"building": building.name},
                 "building": building, "signed_at": existing.accepted_at if existing else None,
                 "submit_label": _("Sign"), "cancel_url": reverse("booking:home"), "crumbs": _crumbs()},
    )


@login_required
@require_POST
def access_code(request, pk):
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    if request.user.pk not in (booking.booker_id, booking.responsible_id):
        raise Http404
    try:
        code = services.access_code_issue(actor=request.user, booking=booking)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("booking:booking_detail", pk=booking.pk)
    response = render(request, "booking/access_code.html", {
        "booking": booking, "code": code, "valid_from": booking.start - services.ACCESS_MARGIN,
        "crumbs": _crumbs((booking.resource.name, reverse("booking:booking_detail", args=[booking.pk])),
                          (_("Door code"), None))})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def access_log(request, building_pk):
    tenant = _tenant(request, "booking.view_access_log")
    building = get_object_or_404(Building, tenant=tenant, pk=building_pk)
    page = paginate(request, queries.access_log(tenant=tenant, building=building))
    return render(request, "booking/access_log.html", {
        "building": building, "page_obj": page, "crumbs": _crumbs((_("Access log"), None))})


@login_required
def doors(request, building_pk):
    """Staff manage a building's doors and lock controllers. A new controller's token is shown once."""
    tenant = _tenant(request, "booking.manage_resources")
    building = get_object_or_404(Building, tenant=tenant, pk=building_pk)
    door_form = DoorForm(request.POST if "add_door" in request.POST else None, prefix="d")
    controller_form = ControllerForm(request.POST if "add_controller" in request.POST else None, prefix="c")
    token, status = None, 200
    if request.method == "POST":
        try:
            if "delete_door" in request.POST:
                services.door_delete(actor=request.user, door=get_object_or_404(
                    Door, tenant=tenant, building=building, pk=request.POST["delete_door"]))
                messages.success(request, _("The door is removed."))
            elif "revoke" in request.POST:
                services.door_controller_revoke(actor=request.user, controller=get_object_or_404(
                    DoorController, tenant=tenant, building=building, pk=request.POST["revoke"]))
                messages.success(request, _("The controller's token no longer works."))
            elif "add_door" in request.POST and door_form.is_valid():
                services.door_add(actor=request.user, tenant=tenant, building=building, **door_form.cleaned_data)
                messages.success(request, _("The door is added."))
            elif "add_controller" in request.POST and controller_form.is_valid():
                _controller, token = services.door_controller_create(
                    actor=request.user, tenant=tenant, building=building, name=controller_form.cleaned_data["name"])
                controller_form = ControllerForm(prefix="c")
            else:
                raise ValidationError(_("Check the form."))
        except ValidationError as exc:
            apply_validation_error(controller_form if "add_controller" in request.POST else door_form, exc)
            status = 422
        if token is None and status == 200:
            return redirect("booking:doors", building_pk=building.pk)
    response = render(request, "booking/doors.html", {
        "building": building, "door_form": door_form, "controller_form": controller_form, "token": token,
        "doors": Door.objects.filter(tenant=tenant, building=building).order_by("name"),
        "controllers": DoorController.objects.filter(tenant=tenant, building=building).order_by("revoked_at", "name"),
        "crumbs": _crumbs((_("Doors and lock controllers"), None)),
    }, status=status)
    if token:
        response["Cache-Control"] = "no-store"
    return response


# --- Utilisation ---------------------------------------------------------------------------
def _report_columns():
    return [
        ("building", _("Building")), ("resource", _("Resource")), ("open_hours", _("Open hours")),
        ("open_staffed_hours", _("Staffed open hours")), ("open_meraapent_hours", _("Meråpent open hours")),
        ("booked_hours", _("Booked hours")), ("percent", _("Utilisation (%)")),
        ("staffed_hours", _("Booked in staffed hours")), ("meraapent_hours", _("Booked in meråpent hours")),
        *((f"{t.value}_hours", _("Hours: %(who)s") % {"who": t.label}) for t in Booking.ActorType),
        ("no_shows", _("No-shows")),
    ]


@login_required
def report(request):
    tenant = _tenant(request, "booking.manage_bookings")
    today = timezone.localdate()
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
        last = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        first, last = today - dt.timedelta(days=30), today
    if last < first or (last - first).days > 366:
        first, last = today - dt.timedelta(days=30), today
    rows = queries.utilisation(tenant=tenant, first=first, last=last)
    if request.GET.get("format") == "xlsx":
        columns = _report_columns()
        data = write_xlsx([str(label) for _key, label in columns],
                          ([r["building"].name, r["resource"].name] + [r[key] for key, _l in columns[2:]]
                           for r in rows), title=_("Utilisation"))
        return download(data, f"utilisation-{first}-{last}.xlsx")
    return render(request, "booking/report.html", {
        "rows": rows, "buildings": queries.utilisation_by_building(rows), "first": first, "last": last,
        "chart": queries.utilisation_chart(rows, width=240), "actor_types": Booking.ActorType.choices,
        "crumbs": _crumbs((_("Utilisation"), None))})


# --- Public room catalogue (no login) --------------------------------------------------------
def public_rooms(request, slug):
    """Every room citizens may book in the municipality, readable without login: photos, address,
    entrance, capacity, equipment, accessibility and the rules in words."""
    tenant = queries.public_tenant(slug=slug)
    return render(request, "booking/public_rooms.html", {
        "public_tenant": tenant, "resources": queries.public_resources(tenant=tenant)})


def public_room_photo(request, slug, code, n):
    """Photo number `n` of a room in the public catalogue (no id, no storage path in the address)."""
    tenant = queries.public_tenant(slug=slug)
    resource = queries.public_resource_get(tenant=tenant, code=code)
    found = list(resource.photos.all())
    if not 1 <= n <= len(found):
        raise Http404
    return serve_file(request, found[n - 1].image.name, public=True)


# --- iCalendar ------------------------------------------------------------------------------
@login_required
def booking_ics(request, pk):
    tenant = _tenant(request)
    booking = queries.booking_get(tenant=tenant, pk=pk)
    _own_or_staff(request, booking)
    return download(ical.calendar_for([booking], name=booking.resource.name), f"booking-{booking.pk}.ics")


def resource_feed(request, token):
    """Public-by-token feed of a resource's active bookings (no personal data: times only)."""
    resource = queries.resource_by_feed_token(token)
    bookings = queries.feed_bookings(resource=resource)
    return HttpResponse(ical.calendar_for(bookings, name=resource.name, anonymous=True),
                        content_type="text/calendar; charset=utf-8")


def personal_feed(request, token):
    """A user's or an organisation's bookings, for calendar apps (the URL is the secret)."""
    feed = queries.feed_by_token(token)
    name = feed.organisation.name if feed.organisation_id else str(feed.user)
    return HttpResponse(ical.calendar_for(queries.feed_bookings_for(feed), name=name),
                        content_type="text/calendar; charset=utf-8")


# --- Prices and the invoicing basis ----------------------------------------------------------
@login_required
def prices(request):
    """Staff: the price rules of every building and resource, and a form to add one."""
    tenant = _tenant(request, "booking.manage_resources")
    form = PriceRuleForm(request.POST or None, tenant=tenant)
    rules = list(queries.price_rules(tenant=tenant))
    return form_page(
        request, form=form, template="booking/prices.html",
        save=lambda d: services.price_rule_create(
            actor=request.user, tenant=tenant, building=d.get("building"), resource=d.get("resource"),
            category=d["category"], amount=d["amount"], unit=d["unit"], weekdays=[int(x) for x in d["weekdays"]],
            starts=d.get("starts"), ends=d.get("ends"), late_cancel_percent=d["late_cancel_percent"]),
        success_url=reverse("booking:prices"), success_message=_("The price rule is added."),
        context={"rules": [(r, pricing.rule_text(r)) for r in rules], "crumbs": _crumbs((_("Prices"), None))})


@login_required
@require_POST
def price_delete(request, pk):
    tenant = _tenant(request, "booking.manage_resources")
    services.price_rule_delete(actor=request.user, rule=queries.price_rule_get(tenant=tenant, pk=pk))
    messages.success(request, _("The price rule is removed. Bookings already made keep their price."))
    return redirect("booking:prices")


def invoicing_columns():
    return [_("Payer"), _("Organisation number"), _("E-mail"), _("Price category"), _("Building"), _("Resource"),
            _("Purpose"), _("Date"), _("From"), _("To"), _("Hours"), _("Amount (NOK)"), _("Late cancellation"),
            _("Booking")]


def _invoicing_cells(row, decimal_comma=False):
    """One row of the export. In the CSV (semicolon-separated, for Norwegian spreadsheets) numbers
    are written with a decimal comma, "1,5" and "350,00"; the XLSX keeps them as numbers."""
    hours, amount = row["hours"], row["amount"]
    if decimal_comma:
        hours, amount = f"{hours:.2f}".replace(".", ","), f"{amount:.2f}".replace(".", ",")
    return [row["payer"], row["orgnr"], row["email"], row["category_label"], row["building"], row["resource"],
            row["title"], row["date"].strftime("%d.%m.%Y"), row["starts"].strftime("%H:%M"),
            row["ends"].strftime("%H:%M"), hours, amount, _("Yes") if row["late_cancellation"] else "",
            row["booking_id"]]


@login_required
def invoicing(request):
    """Staff: the invoicing basis for a period (and one payer): a summary per payer, the rows, and
    the same rows as CSV or XLSX for the finance system."""
    tenant = _tenant(request, "booking.manage_bookings")
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    form = InvoicingForm(request.GET or None, tenant=tenant,
                         initial={"first": first_of_month, "last": today})
    rows, payers, total = [], [], 0
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        basis = queries.invoicing_basis(tenant=tenant, first=d["first"], last=d["last"],
                                        organisation=d.get("organisation"))
        rows = list(queries.invoicing_rows(basis))
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx"):
            columns = [str(c) for c in invoicing_columns()]
            cells = (_invoicing_cells(r, decimal_comma=fmt == "csv") for r in rows)
            name = f"fakturagrunnlag-{d['first']:%Y%m%d}-{d['last']:%Y%m%d}.{fmt}"
            data = write_csv(columns, cells) if fmt == "csv" else write_xlsx(columns, cells,
                                                                               title=_("Invoicing basis"))
            return download(data, name)
        payers, total = queries.invoicing_summary(rows)
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "booking/invoicing.html", {
        "form": form, "rows": rows[:500], "row_count": len(rows), "payers": payers, "total": total,
        "query": query.urlencode(), "crumbs": _crumbs((_("Invoicing basis"), None))},
        status=422 if form.is_bound and not form.is_valid() else 200)
