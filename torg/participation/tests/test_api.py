"""The participation API: same permissions as the UI, public reads where the UI is public."""

import pytest
from django.test import Client

from torg.accounts import services as accounts

pytestmark = pytest.mark.django_db
BASE = "/api/v1/participation"


@pytest.fixture
def bearer():
    def make(user, tenant):
        _token, secret = accounts.api_token_create(actor=user, tenant=tenant, name="t")
        return {"Authorization": f"Bearer {secret}"}
    return make


def test_staff_create_publish_and_plan(admin_user, tenant, building, bearer):
    c, h = Client(), bearer(admin_user, tenant)
    r = c.post(f"{BASE}/processes", {"title": "Åpningstider", "purpose": "Når skal torget være åpent?",
                                     "building_ids": [building.pk]}, content_type="application/json", headers=h)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["building_ids"] == [building.pk]
    pk = body["id"]
    assert c.get(f"{BASE}/processes/{pk}/transitions", headers=h).json() == ["published", "open"]
    r = c.post(f"{BASE}/processes/{pk}/activities", {"kind": "survey", "title": "Spørreskjema",
                                                     "starts_at": "2027-03-01T09:00:00+01:00"},
               content_type="application/json", headers=h)
    assert r.status_code == 201 and r.json()["status"] == "planned"
    r = c.post(f"{BASE}/processes/{pk}/status", {"status": "closed"}, content_type="application/json", headers=h)
    assert r.status_code == 422  # draft → closed is not declared
    r = c.post(f"{BASE}/processes/{pk}/status", {"status": "published"}, content_type="application/json", headers=h)
    assert r.json()["status"] == "published"
    r = c.patch(f"{BASE}/processes/{pk}", {"title": "Åpningstider og meråpent"}, content_type="application/json",
                headers=h)
    assert r.json()["title"] == "Åpningstider og meråpent"
    assert c.get(f"{BASE}/processes", headers=h).json()["count"] == 1


def test_public_reads_without_login_never_show_drafts(process, admin_user, tenant):
    anonymous = Client()
    assert anonymous.get(f"{BASE}/public/processes/{process.code}").status_code == 404
    assert anonymous.get(f"{BASE}/public/{tenant.slug}/processes").json() == []
    from torg.participation import services

    services.process_set_status(actor=admin_user, process=process, status="published")
    body = anonymous.get(f"{BASE}/public/processes/{process.code}").json()
    assert body["title"] == process.title and len(body["phases"]) == 2 and "id" not in body
    assert [p["code"] for p in anonymous.get(f"{BASE}/public/{tenant.slug}/processes").json()] == [process.code]
    assert anonymous.get(f"{BASE}/public/processes/{process.code}/activities").json() == []


def test_staff_endpoints_refuse_citizens_and_other_tenants(process, citizen, employee, tenant, other_admin,
                                                          other_tenant, bearer):
    c = Client()
    assert c.get(f"{BASE}/processes", headers=bearer(citizen, tenant)).status_code == 403
    assert c.get(f"{BASE}/processes/{process.pk}", headers=bearer(employee, tenant)).status_code == 200
    assert c.post(f"{BASE}/processes/{process.pk}/status", {"status": "published"}, content_type="application/json",
                  headers=bearer(employee, tenant)).status_code == 403
    assert c.get(f"{BASE}/processes/{process.pk}", headers=bearer(other_admin, other_tenant)).status_code == 404
    assert c.get(f"{BASE}/processes", headers=bearer(other_admin, other_tenant)).json()["count"] == 0


def test_inputs_moderation_and_public_ideas(open_process, idea, admin_user, employee, tenant, other_admin,
                                            other_tenant, bearer):
    c = Client()
    pending = services_submit(open_process)
    h = bearer(admin_user, tenant)
    body = c.get(f"{BASE}/processes/{open_process.pk}/inputs", headers=h).json()
    assert body["count"] == 2 and {i["status"] for i in body["items"]} == {"pending", "published"}
    r = c.post(f"{BASE}/inputs/{pending.pk}/status", {"status": "hidden"}, content_type="application/json", headers=h)
    assert r.status_code == 422  # hiding needs a reason
    r = c.post(f"{BASE}/inputs/{pending.pk}/status", {"status": "hidden", "reason": "Utenfor tema"},
               content_type="application/json", headers=h)
    assert r.json()["moderation_reason"] == "Utenfor tema"
    assert c.get(f"{BASE}/processes/{open_process.pk}/inputs", headers=bearer(employee, tenant)).status_code == 403
    assert c.get(f"{BASE}/processes/{open_process.pk}/inputs",
                 headers=bearer(other_admin, other_tenant)).status_code == 404
    ideas = Client().get(f"{BASE}/public/processes/{open_process.code}/ideas").json()
    assert [i["code"] for i in ideas["items"]] == [idea.code] and "participant" not in ideas["items"][0]


def services_submit(process):
    from torg.participation import services

    return services.input_submit(process=process, participant="b:api", title="Venter", body="Tekst")
