import pytest
from django.core.exceptions import ValidationError

from torg.core.models import AuditEvent
from torg.reuse import services
from torg.reuse.models import ALLOWED_TRANSITIONS, Item, ItemEvent, Status

ALL_PAIRS = [(a, b) for a in Status.values for b in Status.values if a != b]


def _force_status(item, status):
    Item.objects.filter(pk=item.pk).update(status=status)
    item.status = status


def test_every_status_has_a_row_in_the_table():
    assert set(ALLOWED_TRANSITIONS) == set(Status.values)
    for targets in ALLOWED_TRANSITIONS.values():
        assert set(targets) <= set(Status.values)
    assert ALLOWED_TRANSITIONS[Status.DISPOSED] == frozenset()


@pytest.mark.django_db
def test_every_transition_allowed_or_refused_per_table(make_items, admin_user):
    """All 72 (from, to) pairs: allowed ones change the status and write history, others are refused."""
    item = make_items()[0]
    for from_status, to_status in ALL_PAIRS:
        _force_status(item, from_status)
        ItemEvent.objects.filter(item=item, kind="status").delete()
        allowed = to_status in ALLOWED_TRANSITIONS[from_status]
        if allowed:
            services.item_change_status(actor=admin_user, items=[item], to_status=to_status, comment="ok")
            item.refresh_from_db()
            assert item.status == to_status, (from_status, to_status)
            event = ItemEvent.objects.filter(item=item, kind="status").get()
            assert (event.from_value, event.to_value, event.actor, event.comment) == (
                from_status, to_status, admin_user, "ok")
        else:
            with pytest.raises(ValidationError) as exc:
                services.item_change_status(actor=admin_user, items=[item], to_status=to_status, comment="no")
            assert item.number in str(exc.value), (from_status, to_status)
            item.refresh_from_db()
            assert item.status == from_status
            assert not ItemEvent.objects.filter(item=item, kind="status").exists()


@pytest.mark.django_db
def test_bulk_status_change_one_comment_history_and_audit(make_items, admin_user):
    items = make_items(count=5)
    changed = services.item_change_status(actor=admin_user, items=items, to_status=Status.FOR_RELOCATION,
                                          comment="Flytting til nytt rådhus")
    assert len(changed) == 5
    assert Item.objects.filter(status=Status.FOR_RELOCATION).count() == 5
    events = ItemEvent.objects.filter(kind="status")
    assert events.count() == 5
    assert set(events.values_list("comment", flat=True)) == {"Flytting til nytt rådhus"}
    assert AuditEvent.objects.filter(action="status", object_type="reuse.item").count() == 5


@pytest.mark.django_db
def test_bulk_refuses_whole_selection_if_one_item_is_illegal(make_items, admin_user):
    items = make_items(count=3)
    _force_status(items[1], Status.DISPOSED)
    with pytest.raises(ValidationError) as exc:
        services.item_change_status(actor=admin_user, items=items, to_status=Status.AVAILABLE)
    assert items[1].number in str(exc.value)
    assert Item.objects.filter(status=Status.AVAILABLE).count() == 0


@pytest.mark.django_db
def test_items_already_in_target_status_are_skipped(make_items, admin_user):
    items = make_items(count=2)
    _force_status(items[0], Status.AVAILABLE)
    changed = services.item_change_status(actor=admin_user, items=items, to_status=Status.AVAILABLE)
    assert [i.pk for i in changed] == [items[1].pk]
    with pytest.raises(ValidationError):
        services.item_change_status(actor=admin_user, items=items, to_status=Status.AVAILABLE)


@pytest.mark.django_db
def test_unknown_status_refused(make_items, admin_user):
    with pytest.raises(ValidationError):
        services.item_change_status(actor=admin_user, items=make_items(), to_status="stolen")
