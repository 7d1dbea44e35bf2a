"""Reads of the analysis and feedback half of participation: counts per theme, target group and
channel, representation against the stakeholder map, suggested themes, and the "you said — we did"
story. Every count is an aggregate query (GROUP BY in the database); Python only arranges the few
aggregated rows into tables.
"""

from collections import defaultdict

from django.db.models import Count, F, Max, Min, Prefetch, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from . import terms
from .models import Decision, FeedbackResponse, Input, Process, Subscription, Support, TargetGroup, Theme

# Below this share of the expected reach, a target group is under-represented.
UNDER_REPRESENTED = 0.5
SUGGESTION_SAMPLE = 5000  # the newest inputs the suggested themes are drawn from
QUOTES_PER_THEME = 2
POSTAL_CODES_SHOWN = 15


def counted_inputs(process):
    """The inputs analysis counts: everything but hidden input (pending and meeting input count)."""
    return Input.objects.filter(process=process).exclude(status=Input.Status.HIDDEN)


def theme_get(*, tenant, pk):
    return get_object_or_404(Theme.objects.select_related("process"), tenant=tenant, pk=pk)


def decision_get(*, tenant, pk):
    return get_object_or_404(Decision.objects.select_related("process"), tenant=tenant, pk=pk)


def response_get(*, tenant, pk):
    return get_object_or_404(FeedbackResponse.objects.select_related("process", "theme", "input"), tenant=tenant,
                             pk=pk)


def themes(*, process, counted=True):
    """The process's themes (a list) with how many (not hidden) inputs each holds, and their
    response. The counts are two GROUP BYs on the coding table's indexes (all coded inputs, less the
    few hidden ones), attached in Python — not a join of every coded input grouped by every column
    of the theme, its response and decision, nor a subquery per theme (which PostgreSQL answered
    with a scan of all input per theme). `counted=False` leaves the counts out (for `theme_counts`,
    which counts by itself)."""
    theme_list = list(Theme.objects.filter(process=process).select_related("response__decision")
                      .order_by("name", "id"))
    if not (theme_list and counted):
        return theme_list
    coded = Theme.inputs.through.objects.filter(theme_id__in=[t.pk for t in theme_list])
    per_theme = coded.values("theme_id").annotate(n=Count("pk")).order_by().values_list("theme_id", "n")
    hidden = Input.objects.filter(process=process, status=Input.Status.HIDDEN).values("pk")
    counts, minus = dict(per_theme), dict(per_theme.filter(input_id__in=hidden))
    for theme in theme_list:
        theme.input_count = counts.get(theme.pk, 0) - minus.get(theme.pk, 0)
    return theme_list


def decisions(*, process):
    return Decision.objects.filter(process=process).order_by("decided_on", "id")


def input_responses(*, process, public=False):
    """Responses to single inputs (for the public: published input only)."""
    qs = (FeedbackResponse.objects.filter(process=process, input__isnull=False)
          .select_related("input", "decision").order_by("input__created_at", "id"))
    if public:
        qs = qs.filter(input__status=Input.Status.PUBLISHED)
    return qs


def _group_label(group_id, groups):
    return str(groups[group_id]) if group_id in groups else _("Not stated")


def theme_counts(*, process):
    """Coded inputs per theme × target group × channel: one GROUP BY query. Returns the themes,
    the column heads and, per theme, the counts by target group and by channel with its total —
    and the same for inputs not coded into any theme."""
    groups = {g.pk: g for g in TargetGroup.objects.filter(process=process).order_by("id")}
    rows = (counted_inputs(process).values("themes", "target_group", "channel")
            .annotate(n=Count("pk")).order_by())
    by_theme = defaultdict(lambda: {"groups": defaultdict(int), "channels": defaultdict(int), "total": 0})
    for r in rows:
        cell = by_theme[r["themes"]]
        cell["groups"][r["target_group"]] += r["n"]
        cell["channels"][r["channel"]] += r["n"]
        cell["total"] += r["n"]
    group_ids = list(groups) + ([None] if any(None in c["groups"] for c in by_theme.values()) else [])
    channels = [c for c in Input.Channel.choices if any(c[0] in v["channels"] for v in by_theme.values())]
    theme_rows = []
    for theme in themes(process=process, counted=False):
        cell = by_theme.get(theme.pk)
        theme_rows.append(_count_row(theme, cell, group_ids, channels))
    return {
        "groups": [(gid, _group_label(gid, groups)) for gid in group_ids],
        "channels": channels,
        "rows": theme_rows,
        "uncoded": _count_row(None, by_theme.get(None), group_ids, channels),
        "inputs": counted_inputs(process).count(),
    }


def _count_row(theme, cell, group_ids, channels):
    cell = cell or {"groups": {}, "channels": {}, "total": 0}
    return {"theme": theme, "total": cell["total"],
            "groups": [cell["groups"].get(gid, 0) for gid in group_ids],
            "channels": [cell["channels"].get(code, 0) for code, _label in channels]}


def theme_suggestions(*, process, limit=12):
    """Frequent terms in the newest inputs not yet coded into a theme — candidates for themes."""
    stored = (counted_inputs(process).filter(themes__isnull=True).order_by("-created_at", "-id")
              .values_list("terms", flat=True)[:SUGGESTION_SAMPLE])
    existing = Theme.objects.filter(process=process).values_list("name", flat=True)
    return terms.frequent_stored_terms(stored, limit=limit, exclude=list(existing))


def coding_inputs(*, process, theme_id=None, uncoded=False, search="", target_group_id=None, channel=""):
    """Inputs to code, newest first, with their themes (one extra query per page)."""
    qs = counted_inputs(process).select_related("target_group").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name")))
    if uncoded:
        qs = qs.filter(themes__isnull=True)
    elif theme_id:
        qs = qs.filter(themes=theme_id)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(body__icontains=search))
    if target_group_id:
        qs = qs.filter(target_group_id=target_group_id)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


# --- Representation -------------------------------------------------------------------------------
def _reach_state(reached, expected):
    """How a target group's reach compares with the expected reach, in words (never colour only)."""
    if not expected:
        return "unknown", _("No expected reach set")
    share = reached / expected
    if reached == 0:
        return "missing", _("Not heard from yet")
    if share < UNDER_REPRESENTED:
        return "under", _("Under-represented")
    if share < 1:
        return "partly", _("Partly reached")
    return "reached", _("Reached")


def representation(*, process):
    """Who has been heard, in people (distinct participants) — per target group of the stakeholder
    map against its expected reach, and by channel, age band and postal code. Four GROUP BY
    queries. A group below half its expected reach is under-represented."""
    base = counted_inputs(process)
    people = Count("participant", distinct=True)
    groups = list(TargetGroup.objects.filter(process=process).order_by("id"))
    per_group = {r["target_group"]: r for r in base.values("target_group").annotate(people=people, n=Count("pk"))
                 .order_by()}
    per_channel = defaultdict(dict)
    for r in base.values("target_group", "channel").annotate(people=people).order_by():
        per_channel[r["target_group"]][r["channel"]] = r["people"]
    channels = list(Input.Channel.choices)
    rows = []
    for g in groups + [None]:
        found = per_group.get(g.pk if g else None)
        if g is None and not found:
            continue
        reached = found["people"] if found else 0
        expected = g.expected_reach if g else None
        state, label = _reach_state(reached, expected) if g else ("unknown", _("Did not say"))
        rows.append({"group": g, "label": str(g) if g else _("Not stated"), "people": reached,
                     "inputs": found["n"] if found else 0, "expected": expected,
                     "percent": round(100 * reached / expected) if expected else None, "state": state,
                     "state_label": label,
                     "channels": [per_channel[g.pk if g else None].get(code, 0) for code, _l in channels]})
    ages = {r["age_band"]: r["people"] for r in base.values("age_band").annotate(people=people).order_by()}
    age_rows = [(str(label), ages.get(code, 0)) for code, label in Input.AgeBand.choices]
    if ages.get(""):
        age_rows.append((_("Not stated"), ages[""]))
    postal = list(base.exclude(postal_code="").values("postal_code").annotate(people=people)
                  .order_by("-people", "postal_code")[:POSTAL_CODES_SHOWN])
    totals = base.aggregate(people=people, n=Count("pk"))
    return {
        "rows": rows, "channels": channels, "ages": age_rows, "postal_codes": postal,
        "postal_unstated": base.filter(postal_code="").aggregate(people=people)["people"],
        "people": totals["people"], "inputs": totals["n"],
        "gaps": [r for r in rows if r["state"] in ("missing", "under")],
        "missing_ages": [label for label, n in age_rows[:len(Input.AgeBand.choices)] if n == 0],
        "is_open": process.status == Process.Status.OPEN,
    }


# --- Feedback: "you said — we did" ------------------------------------------------------------------
def feedback_visible(process):
    """The public sees the feedback once it was published (the process's "feedback given")."""
    return process.is_public and process.feedback_published_at is not None


def _quotes(process, theme_ids, public):
    """Up to QUOTES_PER_THEME inputs per theme — the most supported, then the newest — in three
    queries, none of which counts supports over every coded input: (1) the supported inputs of the
    themes with their support count (grows with the supports, not the inputs); (2) per theme its
    newest inputs, numbered by a window function over ids and dates only; (3) the chosen inputs'
    texts. Unsupported inputs rank after supported ones, newest first, so the newest
    QUOTES_PER_THEME (less those with supports) fill up a theme with few supported inputs."""
    if not theme_ids:
        return {}
    statuses = [Input.Status.PUBLISHED] if public else [Input.Status.PUBLISHED, Input.Status.PENDING]
    through = Theme.inputs.through
    ideas = {"input__status__in": statuses, "input__kind": Input.Kind.IDEA}
    supported_ids = Support.objects.filter(input__process=process).values("input_id")
    supported = defaultdict(list)
    for r in (through.objects.filter(theme_id__in=theme_ids, input_id__in=supported_ids, **ideas)
              .values("theme_id", "input_id", "input__created_at").annotate(n=Count("input__supports")).order_by()):
        supported[r["theme_id"]].append((-r["n"], r["input__created_at"], r["input_id"]))
    newest = defaultdict(list)  # per theme its newest input ids, best first
    for theme_id, input_id in (through.objects.filter(theme_id__in=theme_ids, **ideas)
                               .annotate(rank=Window(RowNumber(), partition_by=[F("theme_id")],
                                                     order_by=[F("input__created_at").desc(), F("input_id").desc()]))
                               .filter(rank__lte=QUOTES_PER_THEME).order_by("theme_id", "rank")
                               .values_list("theme_id", "input_id")):
        newest[theme_id].append(input_id)
    chosen = {}
    for theme_id in theme_ids:
        ranked = sorted(supported[theme_id], key=lambda r: (r[0], -r[1].timestamp(), -r[2]))
        picks = [pk for _n, _at, pk in ranked[:QUOTES_PER_THEME]]
        with_support = {pk for _n, _at, pk in supported[theme_id]}
        picks += [pk for pk in newest[theme_id] if pk not in with_support]
        chosen[theme_id] = picks[:QUOTES_PER_THEME]
    texts = {i["pk"]: i for i in Input.objects.filter(pk__in=[pk for picks in chosen.values() for pk in picks])
             .values("pk", "code", "title", "body", "created_at")}
    return {theme_id: [{k: texts[pk][k] for k in ("code", "title", "body", "created_at")} for pk in picks]
            for theme_id, picks in chosen.items() if picks}


def feedback_story(*, process, public=True):
    """The chain input → theme → response → decision of one process, as one dated story: what was
    asked and when, how many took part and how, the themes with what people said (quotes) and the
    municipality's answer, the answers to single inputs, and the decisions with date, body and case
    number. A bounded number of queries, whatever the number of inputs."""
    summary = counted_inputs(process).aggregate(inputs=Count("pk"), people=Count("participant", distinct=True),
                                                first=Min("created_at"), last=Max("created_at"))
    channels = dict(Input.Channel.choices)
    by_channel = [(channels.get(r["channel"], r["channel"]), r["n"]) for r in
                  counted_inputs(process).values("channel").annotate(n=Count("pk")).order_by("channel")]
    theme_list = list(themes(process=process))
    quotes = _quotes(process, [t.pk for t in theme_list], public)
    for t in theme_list:
        t.quotes = quotes.get(t.pk, [])
    outcomes = dict(FeedbackResponse.Outcome.choices)
    tally = {r["outcome"]: r["n"] for r in FeedbackResponse.objects.filter(process=process)
             .values("outcome").annotate(n=Count("pk")).order_by()}
    decision_list = list(decisions(process=process).annotate(
        theme_count=Count("responses", filter=Q(responses__theme__isnull=False))))
    return {
        "process": process, "summary": summary, "by_channel": by_channel, "themes": theme_list,
        "inputs": list(input_responses(process=process, public=public)), "decisions": decision_list,
        "outcomes": [(code, label, tally.get(code, 0)) for code, label in outcomes.items()],
        "published_at": process.feedback_published_at,
    }


def feedback_for_processes(processes):
    """For a list of processes (a building's or property's page): per process with published
    feedback, the responses per outcome and its decisions — two queries for the whole list."""
    ids = [p.pk for p in processes if feedback_visible(p)]
    tally = defaultdict(dict)
    for r in (FeedbackResponse.objects.filter(process_id__in=ids).values("process_id", "outcome")
              .annotate(n=Count("pk")).order_by()):
        tally[r["process_id"]][r["outcome"]] = r["n"]
    by_process = defaultdict(list)
    for d in Decision.objects.filter(process_id__in=ids).order_by("decided_on", "id"):
        by_process[d.process_id].append(d)
    labels = FeedbackResponse.Outcome.choices
    return {pk: {"outcomes": [(label, tally[pk][code]) for code, label in labels if tally[pk].get(code)],
                 "decisions": by_process[pk]} for pk in ids}


def feedback_recipients(*, process):
    """Who is told by this path that the feedback is published: participants who left an e-mail
    address (or gave input logged in with one) — each address once, and none that follows the
    process's feedback: a confirmed subscriber is told by `subscriptions.notify_subscribers` (with
    an unsubscribe link), so a person who both gave input and subscribed gets one e-mail."""
    emails = set(Input.objects.filter(process=process).exclude(notify_email="")
                 .values_list("notify_email", flat=True))
    emails |= set(Input.objects.filter(process=process, author__isnull=False).exclude(author__email="")
                  .values_list("author__email", flat=True))
    following = {e.strip().lower() for e in Subscription.objects.filter(
        process=process, confirmed_at__isnull=False, feedback=True).values_list("email", flat=True)}
    return sorted({e.strip().lower() for e in emails if e and e.strip()} - following)
