"""The item machine (states.ITEM_MACHINE), over every declared transition: each succeeds for every part
in `who` with exactly one history entry and is refused (PermissionDenied) for every other part; the
marketplace's statuses cannot be set or left through the item page, the selection, the API or the
service without `system=True`."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from torg.accounts.models import Membership
from torg.core import states
from torg.core.models import AuditEvent
from torg.reuse import services
from torg.reuse.models import Item, Status
from torg.reuse.rules import ADMIN, BS, BUYER, LM, OBSERVER, SURVEYOR
from torg.reuse.states import ITEM_MACHINE, MANUAL_TARGETS

pytestmark = pytest.mark.django_db

LM_ELSEWHERE = "location_manager_elsewhere"  # a location manager of another building plays no part
PEOPLE = [ADMIN, LM, SURVEYOR, BS, BUYER, OBSERVER, LM_ELSEWHERE]


def _force_status(item, status):
    Item.objects.filter(pk=item.pk).update(status=status)
    item.status = status


def _history(item):
    return list(AuditEvent.objects.filter(object_type="reuse.item", object_id=str(item.pk)).exclude(action="item_create"))


@pytest.fixture
def actors(tenant, make_member, building, admin_user):
    from torg.places import services as places

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=7, bnr=7)
    elsewhere = places.building_create(actor=admin_user, tenant=tenant, property=prop, name="Annet bygg")
    users = {ADMIN: admin_user}
    for part in PEOPLE[1:]:
        user = make_member(tenant, f"p_{part}", "employee")
        role = LM if part == LM_ELSEWHERE else part
        buildings = [building] if part == LM else [elsewhere] if part == LM_ELSEWHERE else []
        services.reuse_role_set(actor=None, membership=Membership.objects.get(user=user, tenant=tenant), role=role,
                                buildings=buildings)
        users[part] = user
    return users


def test_every_status_is_in_the_machine_and_disposed_and_given_away_are_final():
    used = {s for t in ITEM_MACHINE.transitions() for s in (t.source, t.target)}
    assert used == set(Status.values)
    assert ITEM_MACHINE.targets(Status.DISPOSED) == [] and ITEM_MACHINE.targets(Status.GIVEN_AWAY) == []
    assert MANUAL_TARGETS.isdisjoint({Status.LISTED, Status.ORDERED, Status.GIVEN_AWAY})
    for t in ITEM_MACHINE.transitions():  # the marketplace's statuses: entered and left by the system only
        if {t.source, t.target} & {Status.LISTED, Status.ORDERED, Status.GIVEN_AWAY}:
            assert t.who == {states.SYSTEM}, (t.source, t.target)


@pytest.mark.parametrize("transition", ITEM_MACHINE.transitions(), ids=lambda t: f"{t.source}-{t.target}")
def test_transition_for_each_part(transition, make_items, actors, admin_user):
    item = make_items()[0]
    for part in [*PEOPLE, states.SYSTEM]:
        _force_status(item, transition.source)
        before = len(_history(item))
        actor = admin_user if part == states.SYSTEM else actors[part]
        call = dict(actor=actor, items=[item], to_status=transition.target, comment=f"by {part}",
                    system=part == states.SYSTEM)
        if part in transition.who:
            services.item_change_status(**call)
            item.refresh_from_db()
            assert item.status == transition.target, part
            history = _history(item)
            assert len(history) == before + 1, part
            assert (history[0].action, history[0].changes, history[0].actor, history[0].comment) == (
                f"item_{transition.verb}", {"status": [transition.source, transition.target]}, actor, f"by {part}")
        else:
            with pytest.raises(PermissionDenied):
                services.item_change_status(**call)
            item.refresh_from_db()
            assert item.status == transition.source and len(_history(item)) == before, part


@pytest.mark.parametrize("source", Status.values)
def test_undeclared_transitions_are_refused_naming_the_item(source, make_items, admin_user):
    item = make_items()[0]
    for target in set(Status.values) - {source} - set(ITEM_MACHINE.targets(source)):
        _force_status(item, source)
        for system in (False, True):
            with pytest.raises(ValidationError) as exc:
                services.item_change_status(actor=admin_user, items=[item], to_status=target, system=system)
            assert item.number in str(exc.value), (source, target)
    assert Item.objects.get(pk=item.pk).status == source and _history(item) == []


def test_bulk_status_change_one_comment_one_history_entry_each(make_items, admin_user):
    items = make_items(count=5)
    changed = services.item_change_status(actor=admin_user, items=items, to_status=Status.FOR_RELOCATION,
                                          comment="Flytting til nytt rådhus")
    assert len(changed) == 5
    assert Item.objects.filter(status=Status.FOR_RELOCATION).count() == 5
    events = AuditEvent.objects.filter(object_type="reuse.item", action="item_mark_for_relocation")
    assert events.count() == 5
    assert set(events.values_list("comment", flat=True)) == {"Flytting til nytt rådhus"}


def test_bulk_refuses_whole_selection_if_one_item_is_illegal(make_items, admin_user):
    items = make_items(count=3)
    _force_status(items[1], Status.DISPOSED)
    with pytest.raises(ValidationError) as exc:
        services.item_change_status(actor=admin_user, items=items, to_status=Status.AVAILABLE)
    assert items[1].number in str(exc.value)
    assert Item.objects.filter(status=Status.AVAILABLE).count() == 0


def test_items_already_in_target_status_are_skipped(make_items, admin_user):
    items = make_items(count=2)
    _force_status(items[0], Status.AVAILABLE)
    changed = services.item_change_status(actor=admin_user, items=items, to_status=Status.AVAILABLE)
    assert [i.pk for i in changed] == [items[1].pk]
    with pytest.raises(ValidationError):
        services.item_change_status(actor=admin_user, items=items, to_status=Status.AVAILABLE)


def test_unknown_status_refused(make_items, admin_user):
    with pytest.raises(ValidationError):
        services.item_change_status(actor=admin_user, items=make_items(), to_status="stolen")


def test_a_stale_status_in_the_callers_object_cannot_bypass_the_machine(make_items, admin_user):
    item = make_items()[0]
    Item.objects.filter(pk=item.pk).update(status=Status.LISTED)  # listed meanwhile; the object says in use
    with pytest.raises(PermissionDenied):
        services.item_change_status(actor=admin_user, items=[item], to_status=Status.AVAILABLE)
    assert Item.objects.get(pk=item.pk).status == Status.LISTED


def test_the_item_page_offers_only_what_the_machine_allows(client_for, admin_user, make_items, building, actors):
    item, other = make_items(count=2)
    c = client_for(admin_user)
    form = c.get(reverse("reuse:item_edit", args=[item.pk])).content.decode()
    offered = {t.target for t in ITEM_MACHINE.available(item, admin_user)} | {item.status}
    for status in Status.values:
        assert (f'value="{status}"' in form) is (status in offered), status
    services.item_change_status(actor=admin_user, items=[item], to_status=Status.LISTED, system=True)
    form = c.get(reverse("reuse:item_edit", args=[item.pk])).content.decode()
    assert 'value="in_use"' not in form and "Markedsplassen holder objektet" in form
    r = c.post(reverse("reuse:item_edit", args=[item.pk]), {
        "condition": 1, "status": "in_use", "building": building.pk, "room": "", "placement_text": ""})
    assert r.status_code == 422
    assert Item.objects.get(pk=item.pk).status == Status.LISTED
    # the service behind the page refuses it too
    with pytest.raises(PermissionDenied):
        services.item_save_changes(actor=admin_user, item=item, status=Status.IN_USE)
    with pytest.raises(PermissionDenied):
        services.item_save_changes(actor=admin_user, item=other, status=Status.LISTED)
    # a buyer sees the item but is offered no change
    body = client_for(actors[BUYER]).get(reverse("reuse:item_detail", args=[other.pk])).content.decode()
    assert "Tilgjengelig" not in body.split("Mulige neste statuser")[1].split("</dd>")[0]


def test_the_selection_cannot_set_or_leave_marketplace_statuses(client_for, admin_user, make_items):
    items = make_items(count=2)
    ids = [i.pk for i in items]
    c = client_for(admin_user)
    form = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status"}).content.decode()
    assert 'value="listed"' not in form and 'value="given_away"' not in form and 'value="available"' in form
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status", "confirm": "1", "to_status": "listed"})
    assert r.status_code == 422
    services.item_change_status(actor=admin_user, items=items[:1], to_status=Status.LISTED, system=True)
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status", "confirm": "1", "to_status": "available"})
    assert r.status_code == 422 and "markedsplassen" in r.content.decode()
    assert list(Item.objects.filter(pk__in=ids).order_by("pk").values_list("status", flat=True)) == [
        Status.LISTED, Status.IN_USE]


def test_the_api_cannot_set_or_leave_marketplace_statuses_and_lists_allowed_statuses(client_for, admin_user,
                                                                                     make_items):
    def post(payload):
        return c.post("/api/v1/reuse/items/status", json.dumps(payload), content_type="application/json")

    items = make_items(count=2)
    ids = [i.pk for i in items]
    c = client_for(admin_user)
    allowed = c.get(f"/api/v1/reuse/items/{ids[0]}").json()["allowed_statuses"]
    assert set(allowed) == {t.target for t in ITEM_MACHINE.available(items[0], admin_user)}
    assert "listed" not in allowed and "available" in allowed
    r = post({"item_ids": ids, "to_status": "listed"})
    assert r.status_code == 422 and "markedsplassen" in r.json()["detail"]["to_status"][0]
    services.item_change_status(actor=admin_user, items=items[:1], to_status=Status.LISTED, system=True)
    assert c.get(f"/api/v1/reuse/items/{ids[0]}").json()["allowed_statuses"] == []
    r = post({"item_ids": ids, "to_status": "available"})
    assert r.status_code == 422 and items[0].number in str(r.json()["detail"])
    assert Item.objects.get(pk=ids[0]).status == Status.LISTED


def test_the_item_page_asks_for_the_users_role_once(client_for, admin_user, make_items):
    """The view's permission check (has_perm, which sees the User) and the machine's offer (given
    request.user, a lazy wrapper) share one per-request cache (accounts.rules.user_cache)."""
    (item,) = make_items(count=1)
    c = client_for(admin_user)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(reverse("reuse:item_detail", args=[item.pk])).status_code == 200
    role_queries = [q["sql"] for q in ctx.captured_queries
                    if "accounts_membership" in q["sql"] and q["sql"].startswith('SELECT "accounts_membership"."role"')]
    assert len(role_queries) == 1, role_queries
