"""Surveys: question kinds, add-only once open, one response per person, results and pages."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from torg.participation import queries, services
from torg.participation.models import Answer, Response
from torg.places.models import Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(open_process, admin_user, building):
    s = services.survey_create(actor=admin_user, process=open_process, title="Uteområdet")
    add = lambda **kw: services.question_add(actor=admin_user, survey=s, **kw)  # noqa: E731
    s.q_single = add(kind="single", text="Hvor ofte bruker du skolegården?", options=["Daglig", "Ukentlig", "Sjelden"],
                     required=True)
    s.q_multiple = add(kind="multiple", text="Hva savner du?", options=["Benker", "Trær", "Ballbinge"])
    s.q_scale = add(kind="scale", text="Hvor fornøyd er du?", scale_min=1, scale_max=5)
    s.q_text = add(kind="text", text="Noe mer?")
    s.q_ranking = add(kind="ranking", text="Ranger", options=["Lek", "Ro", "Sport"])
    s.q_points = add(kind="points", text="Fordel 100 poeng", options=["Grønt", "Lys", "Tak"])
    s.q_place = add(kind="place", text="Hvor gjelder det?")
    services.survey_set_status(actor=admin_user, survey=s, status="open")
    s.refresh_from_db()
    return s


def _answers(s, room, over=None):
    answers = {s.q_single.pk: "0", s.q_multiple.pk: ["0", "2"], s.q_scale.pk: "4", s.q_text.pk: "Ring 41234567",
               s.q_ranking.pk: {0: 2, 1: 3, 2: 1}, s.q_points.pk: {0: 50, 1: 30, 2: 20},
               s.q_place.pk: f"room:{room.pk}"}
    answers.update(over or {})
    return answers


def test_answers_are_validated_per_kind_and_stored(survey, building):
    room = Room.objects.filter(building=building).first()
    with pytest.raises(ValidationError) as exc:
        services.survey_submit(survey=survey, participant="b:1", answers=_answers(
            survey, room, {survey.q_points.pk: {0: 50, 1: 30, 2: 30}, survey.q_ranking.pk: {0: 1, 1: 1, 2: 2},
                             survey.q_single.pk: None}))
    assert set(exc.value.message_dict) == {f"q{survey.q_points.pk}", f"q{survey.q_ranking.pk}",
                                           f"q{survey.q_single.pk}"}
    assert not Response.objects.exists()  # nothing half-written
    services.survey_submit(survey=survey, participant="b:1", answers=_answers(survey, room))
    stored = {a.question_id: a.value for a in Answer.objects.all()}
    assert stored[survey.q_ranking.pk] == [2, 0, 1] and stored[survey.q_points.pk] == [50, 30, 20]
    assert "41234567" not in stored[survey.q_text.pk]
    with pytest.raises(ValidationError):  # one response per person
        services.survey_submit(survey=survey, participant="b:1", answers=_answers(survey, room))
    with pytest.raises(ValidationError):  # a room outside the process's places
        services.survey_submit(survey=survey, participant="b:2", answers=_answers(
            survey, room, {survey.q_place.pk: "room:999999"}))


def test_add_only_once_open(survey, admin_user):
    with pytest.raises(ValidationError):
        services.question_delete(actor=admin_user, question=survey.q_single)
    with pytest.raises(ValidationError):  # new required questions would make old responses incomplete
        services.question_add(actor=admin_user, survey=survey, kind="text", text="Ny", required=True)
    q = services.question_add(actor=admin_user, survey=survey, kind="text", text="Ny")
    assert q.position == 8


def test_results_count_every_kind(survey, building):
    room = Room.objects.filter(building=building).first()
    services.survey_submit(survey=survey, participant="b:1", answers=_answers(survey, room))
    services.survey_submit(survey=survey, participant="b:2", answers=_answers(
        survey, room, {survey.q_single.pk: "1", survey.q_scale.pk: "2"}))
    responses, results = queries.survey_results(survey=survey)
    by_kind = {r["question"].kind: r for r in results}
    assert responses == 2
    assert [(b["label"], b["count"], b["percent"]) for b in by_kind["single"]["bars"]] == [
        ("Daglig", 1, 50), ("Ukentlig", 1, 50), ("Sjelden", 0, 0)]
    assert by_kind["scale"]["average"] == 3
    assert by_kind["ranking"]["bars"][0]["label"] == "Sport"
    assert by_kind["points"]["bars"][0]["count"] == 100
    assert by_kind["place"]["bars"][0]["count"] == 2


def test_citizen_answers_through_the_page_and_staff_see_results(survey, building, client_for, admin_user,
                                                                other_admin, citizen):
    room = Room.objects.filter(building=building).first()
    url = reverse("participation:survey_answer", args=[survey.process.code, survey.code])
    browser = Client()
    assert browser.get(url).status_code == 200
    data = {f"q{survey.q_single.pk}": "2", f"q{survey.q_multiple.pk}": ["1"], f"q{survey.q_scale.pk}": "5",
            f"q{survey.q_ranking.pk}_0": "1", f"q{survey.q_ranking.pk}_1": "2", f"q{survey.q_ranking.pk}_2": "3",
            f"q{survey.q_points.pk}_0": "100", f"q{survey.q_place.pk}": f"room:{room.pk}"}
    bad = browser.post(url, {**data, f"q{survey.q_points.pk}_0": "90"})
    assert bad.status_code == 422 and "100" in bad.content.decode()
    assert browser.post(url, data).status_code == 302
    assert Response.objects.count() == 1
    results = reverse("participation:survey_results", args=[survey.pk])
    html = client_for(admin_user).get(results).content.decode()
    assert "Sjelden" in html and "1 (100 %)" in html and "torg-p-w100" in html
    assert client_for(citizen).get(results).status_code == 403
    assert client_for(other_admin).get(results).status_code == 404


def test_api_results_and_public_surveys(survey, building, admin_user, citizen, tenant):
    from torg.accounts import services as accounts

    room = Room.objects.filter(building=building).first()
    services.survey_submit(survey=survey, participant="b:1", answers=_answers(survey, room))
    _t, secret = accounts.api_token_create(actor=admin_user, tenant=tenant, name="t")
    body = Client().get(f"/api/v1/participation/surveys/{survey.pk}/results",
                        headers={"Authorization": f"Bearer {secret}"}).json()
    assert body["responses"] == 1 and body["questions"][0]["bars"][0] == {"label": "Daglig", "count": 1.0,
                                                                          "percent": 100, "text": None}
    _t, citizen_secret = accounts.api_token_create(actor=citizen, tenant=tenant, name="c")
    assert Client().get(f"/api/v1/participation/surveys/{survey.pk}/results",
                        headers={"Authorization": f"Bearer {citizen_secret}"}).status_code == 403
    public = Client().get(f"/api/v1/participation/public/processes/{survey.process.code}/surveys").json()
    assert [s["code"] for s in public] == [survey.code] and len(public[0]["questions"]) == 7
