"""The allocation API: the whole round over HTTP, with the page's permissions and tenant isolation."""

import json

from torg.booking.allocation.models import Decision

from .conftest import season


def _call(client, method, path, data=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
    return getattr(client, method)("/api/v1/booking/allocation" + path, **kwargs)


def test_a_round_over_the_api(client_for, admin_user, association_rep, citizen, other_admin, clubs, hall):
    start, end = season()
    staff = client_for(admin_user)
    r = _call(staff, "post", "/rounds", {
        "name": "Vinter", "season_start": start.isoformat(), "season_end": end.isoformat(),
        "application_deadline": start.isoformat(), "complaint_deadline": start.isoformat(),
        "resource_ids": [hall["a"].pk, hall["b"].pk]})
    assert r.status_code == 201, r.content
    rnd = r.json()
    assert rnd["allowed_transitions"] == ["application"] and len(rnd["ladder"]) == 4
    assert _call(staff, "post", f"/rounds/{rnd['id']}/transitions", {"to": "application"}).json()["status"] == \
        "application"

    rep = client_for(association_rep)
    body = {"organisation_id": clubs["il"].pk, "activity": "Håndball J12", "group_size": 18, "age_group": "children",
            "sessions_per_week": 1, "minutes": 90, "resource_ids": [hall["a"].pk],
            "windows": [{"weekday": 1, "starts": "17:00", "ends": "20:00"}]}
    assert _call(rep, "post", f"/rounds/{rnd['id']}/applications", {**body, "age_group": "x"}).status_code == 422
    assert _call(rep, "post", f"/rounds/{rnd['id']}/applications", {**body, "extra": 1}).status_code == 422
    created = _call(rep, "post", f"/rounds/{rnd['id']}/applications", body)
    assert created.status_code == 201, created.content
    app = created.json()
    assert app["decisions"] == [] and app["windows"][0]["primary"] is True
    assert [a["id"] for a in _call(rep, "get", "/applications").json()] == [app["id"]]
    assert _call(rep, "post", f"/rounds/{rnd['id']}/proposal", {"dry_run": True}).status_code == 403
    assert _call(client_for(citizen), "get", f"/applications/{app['id']}").status_code == 403

    staff = client_for(admin_user)
    _call(staff, "post", f"/rounds/{rnd['id']}/transitions", {"to": "allocation"})
    dry = _call(staff, "post", f"/rounds/{rnd['id']}/proposal", {}).json()
    assert dry["dry_run"] and dry["granted"] == 1 and Decision.objects.count() == 0
    assert dry["outcomes"][0]["explanation"][1].startswith("Granted: Hall A (choice 1)")
    saved = _call(staff, "post", f"/rounds/{rnd['id']}/proposal", {"dry_run": False}).json()
    assert saved["first_choice_share"] == 100 and Decision.objects.count() == 1
    decision = _call(staff, "get", f"/rounds/{rnd['id']}/decisions").json()["items"][0]
    moved = _call(staff, "post", f"/decisions/{decision['id']}/adjust", {
        "granted": True, "resource_id": hall["b"].pk, "weekday": 2, "starts": "18:00", "ends": "19:30",
        "reason": "Hall A is being repaired"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["manual"]
    assert moved.json()["explanation"][-1] == "Adjusted by the staff: Hall A is being repaired"
    for to in ("published", "complaints"):
        assert _call(staff, "post", f"/rounds/{rnd['id']}/transitions", {"to": to}).status_code == 200

    rep = client_for(association_rep)
    mine = _call(rep, "get", f"/applications/{app['id']}").json()
    assert mine["decisions"][0]["series_id"] is not None and mine["decisions"][0]["weekday"] == 2
    complaint = _call(rep, "post", f"/decisions/{decision['id']}/complaints", {"text": "Onsdag passer dårlig."})
    assert complaint.status_code == 201, complaint.content
    assert complaint.json()["allowed_transitions"] == []

    staff = client_for(admin_user)
    answered = _call(staff, "post", f"/complaints/{complaint.json()['id']}/transitions",
                     {"to": "upheld", "reason": "Vi flytter dere til tirsdag."})
    assert answered.json()["status"] == "upheld"
    listed = _call(staff, "get", f"/rounds/{rnd['id']}/complaints").json()
    assert listed[0]["response"] == "Vi flytter dere til tirsdag."
    # another municipality sees nothing
    other = client_for(other_admin)
    assert _call(other, "get", f"/rounds/{rnd['id']}").status_code == 404
    assert _call(other, "get", f"/applications/{app['id']}").status_code == 404
    assert _call(other, "post", f"/decisions/{decision['id']}/adjust", {"granted": False, "reason": "x"}).status_code \
        == 404
