"""Participation API, the analysis and feedback half: themes and coding, counts per theme × target
group × channel, suggested themes, representation, responses, decisions, and the public "you said —
we did" read. The same services, queries and permissions as the pages: reading needs
`participation.view_processes`, writing `participation.manage_processes`; the public read needs no
login and answers 404 for a draft. Added to `api.router` (mounted at /api/v1/participation/)."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Schema

from torg.core.api import ApiRouter, Id, IdList, InSchema, Omitted, PatchSchema
from torg.core.views import require_api_perm

from . import analysis_queries, analysis_services, queries
from .models import Decision, Input

router = ApiRouter(tags=["participation: analysis and feedback"])


class ParticipationDecisionOut(Schema):
    id: int
    title: str
    decided_on: dt.date
    body: str
    case_number: str
    document_url: str
    summary: str


class ResponseOut(Schema):
    id: int
    theme_id: int | None
    input_id: int | None
    outcome: str
    text: str
    decision_id: int | None


class ThemeOut(Schema):
    id: int
    name: str
    description: str
    input_count: int
    response: ResponseOut | None

    @staticmethod
    def resolve_response(obj):
        return getattr(obj, "response", None)


class ThemeIn(InSchema):
    name: str
    description: str = ""


class ThemePatch(PatchSchema):
    name: str = Omitted
    description: str | None = None


class CodingIn(InSchema):
    input_ids: IdList
    remove: bool = False


class CodingOut(Schema):
    changed: int
    input_count: int


class ResponseIn(InSchema):
    outcome: str
    text: str = ""
    decision_id: Id | None = None


class ParticipationDecisionIn(InSchema):
    title: str
    decided_on: dt.date
    body: str
    case_number: str = ""
    document_url: str = ""
    summary: str = ""


class DecisionPatch(PatchSchema):
    title: str = Omitted
    decided_on: dt.date = Omitted
    body: str = Omitted
    case_number: str | None = None
    document_url: str | None = None
    summary: str | None = None


class CountCellOut(Schema):
    theme_id: int | None
    theme: str
    total: int
    by_target_group: dict[str, int]
    by_channel: dict[str, int]


class CountsOut(Schema):
    inputs: int
    themes: list[CountCellOut]
    not_coded: CountCellOut


class SuggestionOut(Schema):
    word: str
    inputs: int


class ReachRowOut(Schema):
    target_group_id: int | None
    target_group: str
    people: int
    inputs: int
    expected_reach: int | None
    percent: int | None
    state: str
    assessment: str
    by_channel: dict[str, int]


class PostalOut(Schema):
    postal_code: str
    people: int


class RepresentationOut(Schema):
    people: int
    inputs: int
    is_open: bool
    target_groups: list[ReachRowOut]
    gaps: list[str]
    by_age_band: dict[str, int]
    by_postal_code: list[PostalOut]


class QuoteOut(Schema):
    title: str
    body: str
    created_at: dt.datetime


class PublicThemeOut(Schema):
    name: str
    description: str
    inputs: int
    quotes: list[QuoteOut]
    outcome: str | None
    response: str
    decision: str | None


class PublicInputResponseOut(Schema):
    input_title: str
    outcome: str
    response: str
    decision: str | None


class PublicFeedbackOut(Schema):
    code: str
    title: str
    published_at: dt.datetime
    inputs: int
    people: int
    first_input: dt.datetime | None
    last_input: dt.datetime | None
    themes: list[PublicThemeOut]
    single_inputs: list[PublicInputResponseOut]
    decisions: list[ParticipationDecisionOut]


def _process(request, pk, perm="participation.view_processes"):
    require_api_perm(request, perm)
    return queries.process_get(tenant=request.tenant, pk=pk)


def _theme(request, pk, perm="participation.manage_processes"):
    require_api_perm(request, perm)
    return analysis_queries.theme_get(tenant=request.tenant, pk=pk)


def _decision_ref(request, process, decision_id):
    return get_object_or_404(Decision, tenant=request.tenant, process=process, pk=decision_id) if decision_id else None


def _theme_out(theme):
    return next(t for t in analysis_queries.themes(process=theme.process) if t.pk == theme.pk)


# --- Themes and coding ----------------------------------------------------------------------------
@router.get("/processes/{int:pk}/themes", response=list[ThemeOut])
def list_themes(request, pk: Id):
    """The process's themes with their number of inputs (hidden input left out) and response."""
    return list(analysis_queries.themes(process=_process(request, pk)))


@router.post("/processes/{int:pk}/themes", response={201: ThemeOut})
def create_theme(request, pk: Id, payload: ThemeIn):
    process = _process(request, pk, "participation.manage_processes")
    theme = analysis_services.theme_create(actor=request.user, process=process, **payload.dict())
    return 201, _theme_out(theme)


@router.patch("/themes/{int:pk}", response=ThemeOut)
def update_theme(request, pk: Id, payload: ThemePatch):
    theme = _theme(request, pk)
    analysis_services.theme_update(actor=request.user, theme=theme, **payload.changes())
    return _theme_out(theme)


@router.delete("/themes/{int:pk}", response={204: None})
def delete_theme(request, pk: Id):
    analysis_services.theme_delete(actor=request.user, theme=_theme(request, pk))
    return 204, None


@router.post("/themes/{int:pk}/coding", response=CodingOut)
def code_inputs(request, pk: Id, payload: CodingIn):
    """Code inputs of the theme's process into it (`remove`: take them out). Ids of another
    process or municipality are refused (422) and nothing changes."""
    theme = _theme(request, pk)
    changed = analysis_services.theme_code(actor=request.user, theme=theme, inputs=payload.input_ids,
                                           remove=payload.remove)
    return {"changed": changed, "input_count": _theme_out(theme).input_count}


@router.get("/processes/{int:pk}/theme-suggestions", response=list[SuggestionOut])
def theme_suggestions(request, pk: Id):
    """Frequent terms (Norwegian stems, stop words left out) in input not yet coded."""
    process = _process(request, pk, "participation.manage_processes")
    return [{"word": w, "inputs": n} for w, n in analysis_queries.theme_suggestions(process=process)]


@router.get("/processes/{int:pk}/analysis", response=CountsOut)
def analysis_counts(request, pk: Id):
    """Inputs per theme × target group × channel (keys: target group id or "none", channel code)."""
    counts = analysis_queries.theme_counts(process=_process(request, pk))
    group_keys = [str(gid) if gid else "none" for gid, _label in counts["groups"]]
    channel_keys = [code for code, _label in counts["channels"]]

    def cell(row):
        return {"theme_id": row["theme"].pk if row["theme"] else None,
                "theme": row["theme"].name if row["theme"] else "", "total": row["total"],
                "by_target_group": dict(zip(group_keys, row["groups"])),
                "by_channel": dict(zip(channel_keys, row["channels"]))}

    return {"inputs": counts["inputs"], "themes": [cell(r) for r in counts["rows"]],
            "not_coded": cell(counts["uncoded"])}


@router.get("/processes/{int:pk}/representation", response=RepresentationOut)
def representation(request, pk: Id):
    """People heard from per target group against the expected reach, by channel, age band and
    postal code; `gaps` names the under-represented groups."""
    r = analysis_queries.representation(process=_process(request, pk))
    channels = [code for code, _label in r["channels"]]
    return {
        "people": r["people"], "inputs": r["inputs"], "is_open": r["is_open"],
        "target_groups": [{"target_group_id": row["group"].pk if row["group"] else None,
                           "target_group": row["label"], "people": row["people"], "inputs": row["inputs"],
                           "expected_reach": row["expected"], "percent": row["percent"], "state": row["state"],
                           "assessment": str(row["state_label"]), "by_channel": dict(zip(channels, row["channels"]))}
                          for row in r["rows"]],
        "gaps": [row["label"] for row in r["gaps"]],
        "by_age_band": {code: n for (code, _l), (_label, n) in zip(Input.AgeBand.choices, r["ages"])},
        "by_postal_code": r["postal_codes"],
    }


# --- Responses ------------------------------------------------------------------------------------
@router.get("/processes/{int:pk}/responses", response=list[ResponseOut])
def list_responses(request, pk: Id):
    return list(_process(request, pk).feedback.order_by("id"))


def _set_response(request, *, subject, payload, **target):
    decision = _decision_ref(request, subject.process, payload.decision_id)
    return analysis_services.response_set(actor=request.user, outcome=payload.outcome, text=payload.text,
                                          decision=decision, **target)


@router.put("/themes/{int:pk}/response", response=ResponseOut)
def set_theme_response(request, pk: Id, payload: ResponseIn):
    """Answer a theme: `outcome` taken / partly / not_taken (with `text`: why) / out_of_scope."""
    theme = _theme(request, pk)
    return _set_response(request, subject=theme, payload=payload, theme=theme)


@router.put("/inputs/{int:pk}/response", response=ResponseOut)
def set_input_response(request, pk: Id, payload: ResponseIn):
    require_api_perm(request, "participation.manage_processes")
    item = queries.input_get(tenant=request.tenant, pk=pk)
    return _set_response(request, subject=item, payload=payload, input=item)


@router.delete("/responses/{int:pk}", response={204: None})
def delete_response(request, pk: Id):
    require_api_perm(request, "participation.manage_processes")
    analysis_services.response_delete(actor=request.user,
                                      response=analysis_queries.response_get(tenant=request.tenant, pk=pk))
    return 204, None


# --- Decisions ------------------------------------------------------------------------------------
@router.get("/processes/{int:pk}/decisions", response=list[ParticipationDecisionOut])
def list_decisions(request, pk: Id):
    return list(analysis_queries.decisions(process=_process(request, pk)))


@router.post("/processes/{int:pk}/decisions", response={201: ParticipationDecisionOut})
def create_decision(request, pk: Id, payload: ParticipationDecisionIn):
    process = _process(request, pk, "participation.manage_processes")
    return 201, analysis_services.decision_create(actor=request.user, process=process, **payload.dict())


@router.patch("/decisions/{int:pk}", response=ParticipationDecisionOut)
def update_decision(request, pk: Id, payload: DecisionPatch):
    require_api_perm(request, "participation.manage_processes")
    decision = analysis_queries.decision_get(tenant=request.tenant, pk=pk)
    return analysis_services.decision_update(actor=request.user, decision=decision, **payload.changes())


@router.delete("/decisions/{int:pk}", response={204: None})
def delete_decision(request, pk: Id):
    require_api_perm(request, "participation.manage_processes")
    analysis_services.decision_delete(actor=request.user,
                                      decision=analysis_queries.decision_get(tenant=request.tenant, pk=pk))
    return 204, None


# --- Public: "you said — we did" ----------------------------------------------------------------------
def _outcome(response):
    return (response.outcome, response.text, response.decision.title if response.decision_id else None)


@router.get("/public/processes/{code}/feedback", response=PublicFeedbackOut, auth=None)
def public_feedback(request, code: str):
    """The published feedback of a published process (no login): themes with quotes (published input
    only) and responses, answers to single inputs, decisions. 404 until the feedback is published."""
    process = queries.process_by_code(code=code, user=request.user)
    if not analysis_queries.feedback_visible(process):
        raise Http404
    story = analysis_queries.feedback_story(process=process, public=True)
    themes = []
    for t in story["themes"]:
        response = getattr(t, "response", None)
        outcome, text, decision = _outcome(response) if response else (None, "", None)
        themes.append({"name": t.name, "description": t.description, "inputs": t.input_count, "quotes": t.quotes,
                       "outcome": outcome, "response": text, "decision": decision})
    return {
        "code": process.code, "title": process.title, "published_at": process.feedback_published_at,
        "inputs": story["summary"]["inputs"], "people": story["summary"]["people"],
        "first_input": story["summary"]["first"], "last_input": story["summary"]["last"], "themes": themes,
        "single_inputs": [dict(zip(("outcome", "response", "decision"), _outcome(r)), input_title=str(r.input))
                          for r in story["inputs"]],
        "decisions": story["decisions"],
    }

