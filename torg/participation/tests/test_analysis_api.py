"""The analysis and feedback API: the same services and permissions as the pages; the public
feedback read needs no login and says nothing before the feedback is published."""

import json

import pytest
from django.test import Client

from torg.participation import services
from torg.participation.models import Process

BASE = "/api/v1/participation"


def test_staff_theme_code_respond_decide_and_publish_through_the_api(coded, admin_user, tenant, api_as):
    call, p = api_as(admin_user, tenant), coded["process"]
    a, b, c, d, _hidden = coded["inputs"]
    r = call("post", f"{BASE}/processes/{p.pk}/themes", {"name": "Belysning"})
    assert r.status_code == 201, r.content
    theme = r.json()
    assert theme["input_count"] == 0 and theme["response"] is None
    r = call("post", f"{BASE}/themes/{theme['id']}/coding", {"input_ids": [a.pk, b.pk]})
    assert r.json() == {"changed": 2, "input_count": 2}
    assert call("post", f"{BASE}/themes/{theme['id']}/coding", {"input_ids": [a.pk], "remove": True}).json() == {
        "changed": 1, "input_count": 1}
    assert call("post", f"{BASE}/themes/{theme['id']}/coding", {"input_ids": []}).status_code == 422
    counts = call("get", f"{BASE}/processes/{p.pk}/analysis").json()
    by_name = {t["theme"]: t for t in counts["themes"]}
    assert by_name["Grøntareal"]["total"] == 2 and by_name["Belysning"]["by_channel"] == {"digital": 1, "meeting": 0}
    assert by_name["Trafikk og parkering"]["by_target_group"] == {str(coded["employees"].pk): 1,
                                                                 str(coded["neighbours"].pk): 1}
    r = call("post", f"{BASE}/processes/{p.pk}/decisions", {"title": "BP2: konsept godkjent",
                                                           "decided_on": "2027-06-10", "body": "Kommunestyret",
                                                           "case_number": "2027/123"})
    assert r.status_code == 201
    decision = r.json()
    r = call("put", f"{BASE}/themes/{coded['traffic'].pk}/response", {"outcome": "not_taken"})
    assert r.status_code == 422 and "text" in r.json()["detail"]
    for t in (coded["green"].pk, coded["traffic"].pk, theme["id"]):
        r = call("put", f"{BASE}/themes/{t}/response", {"outcome": "taken", "text": "Tatt med.",
                                                        "decision_id": decision["id"]})
        assert r.status_code == 200 and r.json()["decision_id"] == decision["id"]
    r = call("put", f"{BASE}/inputs/{d.pk}/response", {"outcome": "out_of_scope", "text": "Reguleringsplanen."})
    assert r.json()["input_id"] == d.pk
    assert len(call("get", f"{BASE}/processes/{p.pk}/responses").json()) == 4
    r = call("post", f"{BASE}/processes/{p.pk}/status", {"status": "closed"})
    r = call("post", f"{BASE}/processes/{p.pk}/status", {"status": "feedback_given"})
    assert r.status_code == 200 and r.json()["status"] == "feedback_given"

    public = Client().get(f"{BASE}/public/processes/{p.code}/feedback")
    assert public.status_code == 200
    body = public.json()
    assert {t["name"] for t in body["themes"]} == {"Grøntareal", "Trafikk og parkering", "Belysning"}
    assert body["decisions"][0]["case_number"] == "2027/123"
    assert body["single_inputs"][0]["outcome"] == "out_of_scope"
    quotes = [q["title"] for t in body["themes"] for q in t["quotes"]]
    assert "Skjult" not in quotes and "Grønn skolegård" in quotes


def test_giving_feedback_with_an_unanswered_theme_is_refused_by_api_and_page(coded, admin_user, tenant, api_as,
                                                                           client_for):
    call, p = api_as(admin_user, tenant), coded["process"]
    call("put", f"{BASE}/themes/{coded['green'].pk}/response", {"outcome": "taken", "text": "Ja."})
    call("post", f"{BASE}/processes/{p.pk}/status", {"status": "closed"})
    assert call("get", f"{BASE}/processes/{p.pk}/transitions").json() == ["open", "archived"]
    r = call("post", f"{BASE}/processes/{p.pk}/status", {"status": "feedback_given"})
    assert r.status_code == 422
    client_for(admin_user).post(f"/participation/{p.pk}/status/", {"status": "feedback_given"})
    p.refresh_from_db()
    assert p.status == Process.Status.CLOSED and p.feedback_published_at is None
    page = client_for(admin_user).get(f"/participation/{p.pk}/feedback/").content.decode()
    assert "Hvert tema trenger et svar" in page


def test_representation_and_suggestions_api(coded, admin_user, employee, tenant, api_as):
    p = coded["process"]
    r = api_as(employee, tenant)("get", f"{BASE}/processes/{p.pk}/representation").json()
    assert r["people"] == 3 and r["is_open"] is True
    rows = {row["target_group"]: row for row in r["target_groups"]}
    assert rows["Employees"]["people"] == 2 and rows["Employees"]["expected_reach"] == 40
    assert rows["Employees"]["assessment"] == "Under-represented"
    assert r["gaps"] == ["Employees", "Neighbours and local community"]
    assert r["by_age_band"]["35-49"] == 1 and r["by_postal_code"] == [{"postal_code": "9000", "people": 2}]
    # suggestions are a manager's tool
    assert api_as(employee, tenant)("get", f"{BASE}/processes/{p.pk}/theme-suggestions").status_code == 403
    assert api_as(admin_user, tenant)("get", f"{BASE}/processes/{p.pk}/theme-suggestions").status_code == 200


@pytest.mark.parametrize("method,path,payload", [
    ("get", "/processes/{p}/themes", None), ("get", "/processes/{p}/analysis", None),
    ("get", "/processes/{p}/representation", None), ("get", "/processes/{p}/decisions", None),
    ("post", "/processes/{p}/themes", {"name": "X"}), ("post", "/themes/{t}/coding", {"input_ids": [1]}),
    ("put", "/themes/{t}/response", {"outcome": "taken"}), ("delete", "/themes/{t}", None),
])
def test_other_municipality_gets_404_and_citizens_403(coded, citizen, other_admin, tenant, other_tenant, api_as,
                                                      method, path, payload):
    url = BASE + path.format(p=coded["process"].pk, t=coded["green"].pk)
    assert api_as(other_admin, other_tenant)(method, url, payload).status_code == 404
    assert api_as(citizen, tenant)(method, url, payload).status_code == 403
    body = json.dumps(payload) if payload is not None else ""
    assert Client().generic(method.upper(), url, body, content_type="application/json").status_code == 401


def test_employees_read_but_do_not_write(coded, employee, tenant, api_as):
    call = api_as(employee, tenant)
    assert call("get", f"{BASE}/processes/{coded['process'].pk}/themes").status_code == 200
    assert call("post", f"{BASE}/themes/{coded['green'].pk}/coding", {"input_ids": [1]}).status_code == 403


def test_public_feedback_is_404_for_drafts_and_before_publication(coded, admin_user, tenant):
    p = coded["process"]
    assert Client().get(f"{BASE}/public/processes/{p.code}/feedback").status_code == 404
    draft = services.process_create(actor=admin_user, tenant=tenant, title="Utkast", purpose="Hemmelig")
    assert Client().get(f"{BASE}/public/processes/{draft.code}/feedback").status_code == 404
