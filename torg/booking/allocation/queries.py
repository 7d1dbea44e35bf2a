"""Reads for seasonal allocation, always scoped by tenant."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.booking.models import Booking, Resource
from torg.booking.queries import OSLO

from .models import AllocationRound, Application, ApplicationChoice, Complaint, Decision, PriorityRung


def round_list(*, tenant):
    return (AllocationRound.objects.filter(tenant=tenant)
            .annotate(n_applications=Count("applications", filter=Q(applications__withdrawn=False))))


def round_get(*, tenant, pk) -> AllocationRound:
    return get_object_or_404(AllocationRound, tenant=tenant, pk=pk)


def rounds_open_for_applications(*, tenant):
    return AllocationRound.objects.filter(tenant=tenant, status=AllocationRound.Status.APPLICATION)


def round_resources(rnd):
    return rnd.resources.select_related("building").order_by("building__name", "name")


def applications_of(rnd, *, include_withdrawn=False):
    qs = (Application.objects.filter(round=rnd).select_related("organisation", "org_unit", "applicant",
                                                                "rung_override")
          .prefetch_related(Prefetch("choices", ApplicationChoice.objects.select_related("resource")), "windows"))
    return qs if include_withdrawn else qs.filter(withdrawn=False)


def my_applications(*, tenant, user):
    """Applications the user made, or made for an organisation the user represents."""
    return (Application.objects.filter(tenant=tenant)
            .filter(Q(applicant=user) | Q(organisation__representatives=user)).distinct()
            .select_related("round", "organisation", "org_unit").order_by("-round__season_start", "created_at"))


def application_get(*, tenant, pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related("round", "organisation", "org_unit", "applicant")
        .prefetch_related(Prefetch("choices", ApplicationChoice.objects.select_related("resource")), "windows"),
        tenant=tenant, pk=pk)


def may_see_application(user, application) -> bool:
    if user.has_perm("booking_allocation.manage_rounds", application):
        return True
    if application.applicant_id == user.pk:
        return True
    return bool(application.organisation_id and application.organisation.representatives.filter(pk=user.pk).exists())


def decisions_of(rnd):
    return (Decision.objects.filter(round=rnd).select_related("application", "application__organisation",
                                                              "application__org_unit", "resource", "series")
            .order_by("rung_rank", "application__created_at", "application_id", "session"))


def decision_get(*, tenant, pk) -> Decision:
    return get_object_or_404(Decision.objects.select_related("round", "application", "application__organisation",
                                                             "resource"), tenant=tenant, pk=pk)


def complaints_of(rnd):
    return (Complaint.objects.filter(decision__round=rnd)
            .select_related("decision", "decision__application", "decision__application__organisation",
                            "decision__application__org_unit", "decision__resource", "author"))


def complaint_get(*, tenant, pk) -> Complaint:
    return get_object_or_404(Complaint.objects.select_related("decision", "decision__round", "decision__application"),
                             tenant=tenant, pk=pk)


def ladder_of(rnd) -> list[PriorityRung]:
    return list(PriorityRung.objects.filter(round=rnd).order_by("rank"))


def rung_of(application, ladder) -> PriorityRung | None:
    """The application's priority group: staff's choice, else the first rung (top down) that matches."""
    if application.rung_override_id:
        return next((r for r in ladder if r.pk == application.rung_override_id), None)
    org = application.organisation
    for rung in ladder:
        c = rung.criterion
        if c == PriorityRung.Criterion.ANY:
            return rung
        if c == PriorityRung.Criterion.UNIT and application.org_unit_id:
            return rung
        if org is None:
            continue
        if c == PriorityRung.Criterion.CHILDREN_YOUTH and application.age_group in (
                Application.AgeGroup.CHILDREN, Application.AgeGroup.YOUTH) and org.kind in ("association", "volunteer"):
            return rung
        if c == PriorityRung.Criterion.VOLUNTEER and org.kind == "volunteer":
            return rung
        if c == PriorityRung.Criterion.ASSOCIATION and org.kind in ("association", "volunteer"):
            return rung
    return None


def figures(rows, ladder):
    """Fairness figures of a proposal: per priority group and per age group the applications, the
    sessions and hours asked and granted, and the share of sessions granted on the first choice.

    `rows`: dicts with application, rung (rank), age_group, granted, hours_asked, hours, first_choice."""
    labels = {r.rank: str(r) for r in ladder}
    ages = dict(Application.AgeGroup.choices)

    def table(key, name):
        groups = defaultdict(lambda: {"applications": set(), "sessions": 0, "granted": 0, "hours_asked": 0.0,
                                      "hours": 0.0, "first": 0})
        for row in rows:
            g = groups[row[key]]
            g["applications"].add(row["application"])
            g["sessions"] += 1
            g["granted"] += row["granted"]
            g["hours_asked"] += row["hours_asked"]
            g["hours"] += row["hours"]
            g["first"] += row["first_choice"]
        return [{"group": name(k), "applications": len(g["applications"]), "sessions": g["sessions"],
                 "granted": g["granted"], "hours_asked": round(g["hours_asked"], 1), "hours": round(g["hours"], 1),
                 "first_choice_share": round(100 * g["first"] / g["sessions"]) if g["sessions"] else 0}
                for k, g in sorted(groups.items(), key=lambda kv: kv[0] if kv[0] is not None else 999)]

    total = len(rows)
    return {
        "sessions": total,
        "granted": sum(r["granted"] for r in rows),
        "first_choice_share": round(100 * sum(r["first_choice"] for r in rows) / total) if total else 0,
        "by_rung": table("rung", lambda k: labels.get(k, _("No priority group"))),
        "by_age": table("age_group", lambda k: str(ages.get(k, k))),
    }


def decision_rows(rnd):
    """The saved decisions as rows for `figures`."""
    rows = []
    for d in Decision.objects.filter(round=rnd).select_related("application"):
        rows.append({"application": d.application_id, "rung": d.rung_rank, "age_group": d.application.age_group,
                     "granted": d.granted, "hours_asked": d.application.minutes / 60, "hours": d.hours,
                     "first_choice": d.granted and d.choice_rank == 1})
    return rows


def frame_time_split(decision, now):
    """The future active dates of a frame-time block by organisation: [(name, count)], the umbrella first."""
    counts = {}
    for name in (Booking.objects.filter(series_id=decision.series_id, status__in=Booking.ACTIVE, start__gt=now)
                 .order_by("start").values_list("organisation__name", flat=True)):
        counts[name] = counts.get(name, 0) + 1
    umbrella = decision.application.organisation.name
    return sorted(counts.items(), key=lambda kv: (kv[0] != umbrella, kv[0] or ""))


def open_complaint_count(rnd) -> int:
    return Complaint.objects.filter(decision__round=rnd, status=Complaint.Status.SUBMITTED).count()


def related_resource_ids(resource) -> set:
    """The resource, the whole it is part of and its parts: booking any of them touches the others."""
    ids = {resource.pk}
    if resource.parent_id:
        ids.add(resource.parent_id)
    ids.update(Resource.objects.filter(parent_id=resource.pk).values_list("pk", flat=True))
    return ids


def round_closure(resource, start, end):
    """Booking's closure check (registered in AppConfig.ready): while a round is open, its resources
    (and the wholes and parts they block) cannot be booked directly within its season."""
    first, last = timezone.localtime(start, OSLO).date(), timezone.localtime(end, OSLO).date()
    rnd = (AllocationRound.objects.filter(tenant_id=resource.tenant_id, status__in=AllocationRound.OPEN,
                                          season_start__lte=last, season_end__gte=first,
                                          resources__in=related_resource_ids(resource))
           .order_by("season_start").first())
    if rnd is None:
        return None
    return _("%(resource)s is being allocated for the season in “%(round)s”: it cannot be booked directly "
             "from %(start)s to %(end)s until the allocation is published.") % {
        "resource": resource.name, "round": rnd.name, "start": rnd.season_start.strftime("%d.%m.%Y"),
        "end": rnd.season_end.strftime("%d.%m.%Y")}


# Repeated no-shows: this many bookings of one earlier season's series released as no-shows (nobody
# checked in) or marked by staff flag the series for review when its holder applies again.
NO_SHOW_FLAG = 2


def no_show_flags(rnd) -> dict:
    """For the applications of `rnd`: the earlier rounds' series of the same organisation (or
    municipal unit) with at least NO_SHOW_FLAG no-shows — {application id: [{"decision", "count"}]},
    earliest season first. Two queries, whatever the number of applications."""
    earlier = Decision.objects.filter(tenant=rnd.tenant, series__isnull=False,
                                      round__season_start__lt=rnd.season_start).exclude(round=rnd)
    counts = dict(Booking.objects.filter(tenant=rnd.tenant, no_show=True, series_id__in=earlier.values("series_id"))
                  .values("series_id").annotate(n=Count("pk")).filter(n__gte=NO_SHOW_FLAG)
                  .values_list("series_id", "n"))
    if not counts:
        return {}
    by_holder = defaultdict(list)
    for d in (earlier.filter(series_id__in=counts).select_related("round", "resource", "application")
              .order_by("round__season_start", "application_id", "session")):
        holder = (d.application.organisation_id, d.application.org_unit_id)
        by_holder[holder].append({"decision": d, "count": counts[d.series_id]})
    flags = {}
    for app in Application.objects.filter(round=rnd, withdrawn=False).only("pk", "organisation_id", "org_unit_id"):
        if found := by_holder.get((app.organisation_id, app.org_unit_id)):
            flags[app.pk] = found
    return flags
