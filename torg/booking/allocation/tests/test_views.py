"""The allocation pages: what staff and applicants see, permissions, isolation and bokmål."""

import datetime as dt

from django.urls import reverse

from torg.booking.allocation import services
from torg.booking.allocation.models import Application, Decision

from .conftest import apply, to_status, window


def test_pages_for_staff_and_applicants(client_for, rnd, admin_user, association_rep, citizen, employee, other_admin,
                                        clubs, hall, settings):
    rnd = to_status(rnd, admin_user, "application")
    rep = client_for(association_rep)
    index = rep.get(reverse("booking_allocation:index")).content.decode()
    assert "Sesong" in index and reverse("booking_allocation:application_create", args=[rnd.pk]) in index
    form = {"organisation": clubs["il"].pk, "activity": "Fotball G10", "group_size": "15", "age_group": "children",
            "sessions_per_week": "1", "minutes": "90", "choice_1": hall["a"].pk, "choice_2": hall["b"].pk,
            "w1_weekday": "1", "w1_starts": "17:00", "w1_ends": "20:00"}
    bad = rep.post(reverse("booking_allocation:application_create", args=[rnd.pk]), {**form, "w1_ends": "17:30"})
    assert bad.status_code == 422 and "at least as long as a session" in bad.content.decode()
    response = rep.post(reverse("booking_allocation:application_create", args=[rnd.pk]), form)
    app = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse("booking_allocation:application_detail",
                                                                   args=[app.pk])
    page = rep.get(response.url).content.decode()
    assert "Fotball G10" in page and "shown here when the allocation is published" in page
    # staff pages: the round, a dry run, the proposal, an adjustment
    assert rep.get(reverse("booking_allocation:round_detail", args=[rnd.pk])).status_code == 403
    staff = client_for(admin_user)
    to_status(rnd, admin_user, "allocation")
    dry = staff.get(reverse("booking_allocation:round_detail", args=[rnd.pk]) + "?dry_run=1").content.decode()
    assert "Dry run (nothing saved)" in dry and "Granted: Hall A (choice 1)" in dry and not Decision.objects.exists()
    staff.post(reverse("booking_allocation:round_propose", args=[rnd.pk]))
    decision = Decision.objects.get()
    adjust = reverse("booking_allocation:decision_adjust", args=[decision.pk])
    assert staff.post(adjust, {"granted": "1", "resource": hall["b"].pk, "weekday": "1", "starts": "17:00",
                               "ends": "18:30", "reason": "Bytte"}).status_code == 302
    staff.post(reverse("booking_allocation:round_transition", args=[rnd.pk]), {"to": "published"})
    staff.post(reverse("booking_allocation:round_transition", args=[rnd.pk]), {"to": "complaints"})
    # the applicant sees the decision, its explanation and the series, and may complain
    page = client_for(association_rep).get(reverse("booking_allocation:application_detail", args=[app.pk]))
    html = page.content.decode()
    assert "Hall B" in html and "Adjusted by the staff: Bytte" in html and "Your booking series" in html
    client_for(association_rep).post(reverse("booking_allocation:complaint_create", args=[decision.pk]),
                                     {"text": "Vi ville ha hall A."})
    assert decision.complaints.get().text == "Vi ville ha hall A."
    # nobody else sees it: another member, another municipality
    assert client_for(employee).get(reverse("booking_allocation:application_detail", args=[app.pk])).status_code == 404
    assert client_for(citizen).get(reverse("booking_allocation:index")).status_code == 403
    assert client_for(other_admin).get(reverse("booking_allocation:round_detail", args=[rnd.pk])).status_code == 404
    # in Norwegian by default
    settings.LANGUAGE_CODE = "nb"
    from django.utils import translation

    with translation.override("nb"):
        html = client_for(association_rep).get(reverse("booking_allocation:application_detail",
                                                       args=[app.pk])).content.decode()
    assert "Justert av de ansatte: Bytte" in html and "Klag på økt 1" in html


def test_staff_create_a_round_and_edit_its_ladder(client_for, admin_user, hall):
    staff = client_for(admin_user)
    today = dt.date.today()
    response = staff.post(reverse("booking_allocation:round_create"), {
        "name": "Høst", "season_start": today + dt.timedelta(days=30), "season_end": today + dt.timedelta(days=120),
        "application_deadline": today + dt.timedelta(days=10), "day_start": "16:00", "day_end": "22:00",
        "resources": [hall["a"].pk]})
    assert response.status_code == 302
    rnd = services.queries.round_list(tenant=hall["a"].tenant).get()
    ladder = reverse("booking_allocation:ladder_edit", args=[rnd.pk])
    assert staff.post(ladder, {"label_1": "Skolen", "criterion_1": "unit", "label_2": "Alle andre",
                               "criterion_2": "any"}).status_code == 302
    assert [(r.rank, r.label) for r in rnd.ladder.all()] == [(1, "Skolen"), (2, "Alle andre")]
    assert "Skolen" in staff.get(reverse("booking_allocation:round_detail", args=[rnd.pk])).content.decode()
