"""Hypothesis stateful test: random bookings, moves and cancellations never leave two active
bookings overlapping on the same physical unit, and a refusal always has a real conflict behind it."""

import datetime as dt
import itertools

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule, run_state_machine_as_test

from torg.booking import services
from torg.booking.models import Booking, BookingSlot

from .conftest import at

S = Booking.Status
counter = itertools.count()

times = st.tuples(st.integers(0, 2), st.integers(16, 40), st.integers(1, 6))  # day, half-hour index, length


def _range(t):
    day, half, length = t
    start = at(day, 0) + dt.timedelta(minutes=30 * half)
    return start, start + dt.timedelta(minutes=30 * length)


def test_random_bookings_never_overlap(db, tenant, admin_user, employee, building):
    users = [admin_user, employee]

    class BookingMachine(RuleBasedStateMachine):
        bookings = Bundle("bookings")

        def __init__(self):
            super().__init__()
            n = next(counter)
            self.whole = services.resource_create(actor=admin_user, tenant=tenant, name=f"Hall {n}",
                                                  building=building, max_minutes=600)
            self.parts = [services.resource_create(actor=admin_user, tenant=tenant, name=f"Hall {n}{x}",
                                                   building=building, parent=self.whole, kind="part",
                                                   max_minutes=600) for x in "AB"]
            self.resources = [self.whole, *self.parts]
            self.units = {self.whole.pk: {p.pk for p in self.parts}, **{p.pk: {p.pk} for p in self.parts}}
            self.active = {}  # booking id → (units, start, end): the model

        def _model_conflict(self, units, start, end, ignore=None):
            return any(pk != ignore and u & units and s < end and start < e
                       for pk, (u, s, e) in self.active.items())

        @rule(target=bookings, who=st.sampled_from([0, 1]), which=st.integers(0, 2), t=times)
        def create(self, who, which, t):
            resource = self.resources[which]
            start, end = _range(t)
            expected_conflict = self._model_conflict(self.units[resource.pk], start, end)
            try:
                b = services.booking_create(actor=users[who], tenant=tenant, resource=resource, start=start, end=end)
            except ValidationError as exc:
                assert expected_conflict, exc.messages
                return None
            assert not expected_conflict
            self.active[b.pk] = (self.units[resource.pk], start, end)
            return b.pk

        @rule(pk=bookings, t=times)
        def move(self, pk, t):
            if pk is None or pk not in self.active:
                return
            units = self.active[pk][0]
            start, end = _range(t)
            expected_conflict = self._model_conflict(units, start, end, ignore=pk)
            booking = Booking.objects.get(pk=pk)
            try:
                services.booking_reschedule(actor=booking.booker, booking=booking, start=start, end=end)
            except ValidationError:
                assert expected_conflict
                return
            assert not expected_conflict
            self.active[pk] = (units, start, end)

        @rule(pk=consumes(bookings))
        def cancel(self, pk):
            if pk is None or pk not in self.active:
                return
            services.booking_transition(actor=admin_user, booking=Booking.objects.get(pk=pk), to=S.CANCELLED,
                                        reason="test")
            del self.active[pk]

        @invariant()
        def no_overlapping_active_slots(self):
            slots = list(BookingSlot.objects.filter(unit__in=self.resources, active=True)
                         .values_list("unit_id", "start", "end", "booking_id"))
            for (u1, s1, e1, b1), (u2, s2, e2, b2) in itertools.combinations(slots, 2):
                assert not (u1 == u2 and s1 < e2 and s2 < e1), (b1, b2)
            assert {b for *_x, b in slots} == set(self.active)

    run_state_machine_as_test(
        BookingMachine,
        settings=settings(max_examples=15, stateful_step_count=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
