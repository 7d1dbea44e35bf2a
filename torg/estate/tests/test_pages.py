"""The estate pages and API: who sees and changes what, another municipality's ids are 404, and the
building page's panel shows the condition."""

import pytest

from torg.estate.models import ConditionSurvey

from .conftest import png


def test_staff_read_every_page(approved, building, employee, client_for):
    client = client_for(employee)
    for url in ("/estate/", "/estate/buildings/", "/estate/tg3/", "/estate/surveys/",
                f"/estate/buildings/{building.pk}/", f"/estate/surveys/{approved.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/estate/").content.decode()
    assert "Nytt tak" in page  # the worst part (TG3, KG3)
    assert "Ny tilstandsanalyse" not in client.get(f"/estate/buildings/{building.pk}/").content.decode()


@pytest.mark.parametrize("url", ["/estate/import/", "/estate/surveys/{s}/edit/", "/estate/surveys/{s}/parts/new/",
                                 "/estate/buildings/{b}/surveys/new/"])
def test_employees_and_citizens_cannot_write(url, survey, building, employee, citizen, client_for):
    url = url.format(s=survey.pk, b=building.pk)
    assert client_for(employee).get(url).status_code == 403
    assert client_for(citizen).get(url).status_code == 403


def test_another_municipality_gets_404(approved, building, other_admin, client_for, api_as, other_tenant):
    client = client_for(other_admin)
    part = approved.parts.first()
    for url in (f"/estate/buildings/{building.pk}/", f"/estate/surveys/{approved.pk}/", f"/estate/parts/{part.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    api = api_as(other_admin, other_tenant)
    assert api("get", f"/api/v1/estate/surveys/{approved.pk}").status_code == 404
    assert api("get", f"/api/v1/estate/buildings/{building.pk}/condition").status_code == 404
    assert api("post", f"/api/v1/estate/surveys/{approved.pk}/correct").status_code == 404
    assert api("get", "/api/v1/estate/tg3").json()["count"] == 0


def test_grade_a_part_with_a_photo_through_the_page(survey, admin_user, client_for, media):
    client = client_for(admin_user)
    response = client.post(f"/estate/surveys/{survey.pk}/parts/new/", {
        "ns_code": "36", "condition_grade": "3", "consequence_grade": "2", "description": "Aggregat fra 1985",
        "measure": "Nytt ventilasjonsaggregat", "measure_cost": "650000", "measure_year": "2027", "photo": png()})
    assert response.status_code == 302
    part = survey.parts.get(ns_code="36")
    assert part.photos.count() == 1
    page = client.get(f"/estate/surveys/{survey.pk}/").content.decode()
    photo_url = f"/files/estate-part/{part.photos.get().pk}/"
    assert photo_url in page and client.get(photo_url).status_code == 200
    bad = client.post(f"/estate/surveys/{survey.pk}/parts/new/", {"ns_code": "36", "condition_grade": "3",
                                                                  "consequence_grade": "1", "measure_cost": "5"})
    assert bad.status_code == 422 and survey.parts.count() == 5


def test_approve_and_correct_through_the_pages(survey, admin_user, client_for):
    client = client_for(admin_user)
    client.post(f"/estate/surveys/{survey.pk}/status/", {"status": "approved"})
    survey.refresh_from_db()
    assert survey.status == "approved"
    response = client.post(f"/estate/surveys/{survey.pk}/correct/")
    draft = ConditionSurvey.objects.get(replaces=survey)
    assert response.url == f"/estate/surveys/{draft.pk}/" and draft.parts.count() == 4


def test_the_building_page_shows_the_condition(approved, building, employee, citizen, client_for):
    page = client_for(employee).get(f"/places/buildings/{building.pk}/").content.decode()
    assert 'data-testid="estate-panel"' in page and "2,06 (TG2)" in page


def test_api_survey_journey(tenant, admin_user, employee, building, api_as, media):
    api = api_as(admin_user, tenant)
    created = api("post", "/api/v1/estate/surveys", {"building_id": building.pk, "surveyed_on": "2026-04-02",
                                                     "surveyor": "Takst AS"})
    assert created.status_code == 201
    sid = created.json()["id"]
    assert api("post", f"/api/v1/estate/surveys/{sid}/parts", {"ns_code": "77", "condition_grade": 4}).status_code == 422
    assert api("post", f"/api/v1/estate/surveys/{sid}/parts", {"ns_code": "98", "condition_grade": 2}).status_code == 422
    part = api("post", f"/api/v1/estate/surveys/{sid}/parts", {"ns_code": "26", "condition_grade": 3,
                                                               "consequence_grade": 3, "measure": "Nytt tak",
                                                               "measure_cost": 900000, "measure_year": 2027})
    assert part.status_code == 201 and part.json()["risk"] == "high"
    detail = api("get", f"/api/v1/estate/surveys/{sid}").json()
    assert [t["to_status"] for t in detail["allowed_transitions"]] == ["approved", "discarded"]
    assert api("post", f"/api/v1/estate/surveys/{sid}/status", {"status": "approved"}).json()["aggregate_grade"] == "3.00"
    assert api("patch", f"/api/v1/estate/parts/{part.json()['id']}", {"condition_grade": 1}).status_code == 422
    condition = api("get", f"/api/v1/estate/buildings/{building.pk}/condition").json()
    assert condition["grade_band"] == 3 and condition["grade_counts"] == [0, 0, 0, 1]
    portfolio = api("get", "/api/v1/estate/portfolio").json()
    assert portfolio["rows"][0]["cells"][3]["count"] == 1 and portfolio["tg3_parts"] == 1
    reader = api_as(employee, tenant)
    assert reader("get", "/api/v1/estate/tg3").json()["count"] == 1
    assert reader("post", "/api/v1/estate/surveys", {"building_id": building.pk, "surveyed_on": "2026-04-02",
                                                     "surveyor": "x"}).status_code == 403
