"""One way to declare and apply state changes, with one history entry per change.

A module declares each state machine once, next to its model::

    from torg.core import states

    BOOKING_MACHINE = states.Machine(
        entity="booking",                 # audit actions are "<entity>_<verb>": "booking_confirm"
        states=Booking.Status,            # TextChoices: the labels shown for every state
        roles=booking_roles,              # (actor, obj) -> set of parts the actor plays: {"staff", "booker"}
        transitions=[
            states.Transition(REQUESTED, CONFIRMED, "confirm", _("Confirmed"), who={"staff"}),
            states.Transition((REQUESTED, CONFIRMED), CANCELLED, "cancel", _("Cancelled"),
                              who={"staff", "booker"}, guards=[cancel_deadline]),
            ...
        ],
    )

and its services apply a change only through the machine::

    BOOKING_MACHINE.apply(booking, "confirmed", actor=actor, reason=reason)

`apply` checks, in this order: the transition is declared (else `ValidationError` naming the
allowed next states), the actor plays a part listed in `who` (else `PermissionDenied`), a reason is
given when the transition requires one, and every guard passes (a guard raises `ValidationError`).
Then it writes the new state and records exactly one audit event (`torg.core.audit`) with actor,
time, tenant, `{field: [old, new]}` and the reason as comment. No caller can forget a rule because
there is no other way to change the state; the module's service adds its side effects (notify,
release slots) after `apply` returns.

`system=True` is for the module's own services and scheduled jobs (releasing a no-show, the
marketplace listing an item): the actor then plays the part `SYSTEM` only, so a transition open to
people and the system lists both. Guards see `change.system` and may relax for it.

Reads for the UI and the API: `machine.available(obj, actor)` lists the transitions this actor may
offer now (declared, a part in `who`, and every guard marked `offer=True`-safe passes);
`machine.targets(state)` the declared next states; `machine.label(state)` the state in words.
The history of any object is `torg.core.audit.history_for(obj, tenant)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit

SYSTEM = "system"

MACHINES: dict[str, "Machine"] = {}  # entity -> machine, for tests over every declared machine


@dataclass
class Change:
    """What a guard sees: the object (still in its old state), the transition, who makes it and why."""

    obj: object
    transition: "Transition"
    actor: object
    parts: frozenset
    reason: str
    system: bool
    now: dt.datetime
    context: dict = field(default_factory=dict)

    @property
    def source(self):
        return self.transition.source

    @property
    def target(self):
        return self.transition.target


Guard = Callable[[Change], None]


@dataclass(frozen=True)
class Transition:
    """One declared change: from `source` (a state or a tuple of states) to `target`, named by `verb`
    (the audit action is "<entity>_<verb>"), shown as `label`, allowed to the parts in `who`.

    `reason=True` requires a reason (shown to the other party and kept as the history comment);
    `guards` are further rules, each a function of a `Change` that raises `ValidationError`."""

    source: str | tuple
    target: str
    verb: str
    label: str
    who: frozenset = frozenset()
    reason: bool = False
    guards: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "who", frozenset(self.who))
        object.__setattr__(self, "guards", tuple(self.guards))

    def sources(self) -> tuple:
        return self.source if isinstance(self.source, tuple) else (self.source,)


class Machine:
    """A state machine over one model field (default `status`); see the module docstring."""

    def __init__(self, *, entity: str, states, transitions: Iterable[Transition],
                 roles: Callable[[object, object], Iterable[str]], field: str = "status"):
        self.entity = entity
        self.states = states
        self.field = field
        self.roles = roles
        self._table: dict[tuple[str, str], Transition] = {}
        for t in transitions:
            if t.target not in states.values:
                raise ValueError(f"{entity}: unknown target state {t.target!r}")
            for source in t.sources():
                if source not in states.values:
                    raise ValueError(f"{entity}: unknown source state {source!r}")
                if (source, t.target) in self._table:
                    raise ValueError(f"{entity}: {source} → {t.target} declared twice")
                self._table[(source, t.target)] = Transition(
                    str(source), str(t.target), t.verb, t.label, t.who, t.reason, t.guards)
        if entity in MACHINES:
            raise ValueError(f"a state machine for {entity!r} is declared twice")
        MACHINES[entity] = self
        audit.register_action_labels({self.action(t.verb): t.label for t in self._table.values()})

    # --- reads ---------------------------------------------------------------------------------
    def action(self, verb: str) -> str:
        return f"{self.entity}_{verb}"

    def label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def transitions(self) -> list[Transition]:
        return list(self._table.values())

    def get(self, source: str, target: str) -> Transition | None:
        return self._table.get((source, target))

    def targets(self, source: str) -> list[str]:
        return [t for (s, t) in self._table if s == source]

    def parts(self, obj, actor, *, system=False) -> frozenset:
        if system:
            return frozenset({SYSTEM})
        if actor is None or not getattr(actor, "is_authenticated", False):
            return frozenset()
        return frozenset(self.roles(actor, obj))

    def available(self, obj, actor, *, now=None) -> list[Transition]:
        """The transitions this actor may make now from the object's state, for the UI and the API:
        declared, open to one of the actor's parts, and every guard passing (a transition that needs
        a reason is offered; the reason is asked for when it is made)."""
        parts = self.parts(obj, actor)
        state = getattr(obj, self.field)
        offered = []
        for t in self._table.values():
            if t.source != state or not (t.who & parts):
                continue
            try:
                self._guard(Change(obj, t, actor, parts, "-", False, now or timezone.now()))
            except ValidationError:
                continue
            offered.append(t)
        return offered

    def may(self, obj, actor, target: str, *, now=None) -> bool:
        return any(t.target == target for t in self.available(obj, actor, now=now))

    # --- checks --------------------------------------------------------------------------------
    def refusal(self, source: str, target: str) -> ValidationError:
        allowed = ", ".join(f"“{self.label(s)}”" for s in self.targets(source)) or _("none")
        return ValidationError(
            {self.field: _("“%(from)s” cannot become “%(to)s”. Allowed from “%(from)s”: %(allowed)s.")
             % {"from": self.label(source), "to": self.label(target), "allowed": allowed}})

    def check(self, obj, target: str, *, actor, reason: str = "", system: bool = False, now=None,
              **context) -> Change:
        """Every rule of the change, without writing: returns the `Change` or raises."""
        source = getattr(obj, self.field)
        if target not in self.states.values:
            raise ValidationError({self.field: _("Unknown status “%(status)s”.") % {"status": target}})
        transition = self.get(source, target)
        if transition is None:
            raise self.refusal(source, target)
        parts = self.parts(obj, actor, system=system)
        if not (transition.who & parts):
            raise PermissionDenied
        reason = (reason or "").strip()
        if transition.reason and not reason and not system:
            raise ValidationError({"reason": _("Give a reason.")})
        change = Change(obj, transition, actor, parts, reason, system, now or timezone.now(), context)
        self._guard(change)
        return change

    @staticmethod
    def _guard(change: Change) -> None:
        for guard in change.transition.guards:
            guard(change)

    # --- writes --------------------------------------------------------------------------------
    def apply(self, obj, target: str, *, actor, reason: str = "", system: bool = False, now=None,
              **context) -> Transition:
        """Check, write the new state and record one history entry. Call inside the service's
        transaction, on a row the service has locked (select_for_update) when changes can race."""
        change = self.check(obj, target, actor=actor, reason=reason, system=system, now=now, **context)
        old = getattr(obj, self.field)
        setattr(obj, self.field, target)
        update_fields = [self.field] + (["updated_at"] if hasattr(obj, "updated_at") else [])
        obj.save(update_fields=update_fields)
        audit.record(actor=actor, tenant=obj.tenant_id, obj=obj, action=self.action(change.transition.verb),
                     changes={self.field: [old, target]}, comment=change.reason)
        return change.transition

    def apply_many(self, objs, target: str, *, actor, reason: str = "", system: bool = False, now=None,
                   describe=str, **context) -> list:
        """The same change for a selection, all or nothing: refuses the whole selection when one
        object may not make it (naming the first, and how many more). Objects already in `target`
        are left alone; returns the changed objects. One UPDATE and one bulk history insert."""
        objs = list(objs)
        if not objs:
            return []
        now = now or timezone.now()
        changed, refused, first_error = [], [], None
        for obj in objs:
            if getattr(obj, self.field) == target:
                continue
            try:
                change = self.check(obj, target, actor=actor, reason=reason, system=system, now=now, **context)
            except ValidationError as error:
                refused.append(obj)
                first_error = first_error or error
                continue
            changed.append((obj, change))
        if refused:
            messages = first_error.message_dict.get(self.field) if hasattr(first_error, "error_dict") else None
            text = " ".join(messages or first_error.messages)
            more = (_(" (and %(n)d more)") % {"n": len(refused) - 1}) if len(refused) > 1 else ""
            raise ValidationError({self.field: _("%(object)s: %(reason)s%(more)s")
                                   % {"object": describe(refused[0]), "reason": text, "more": more}})
        if not changed:
            return []
        model = type(changed[0][0])
        values = {self.field: target}
        if hasattr(changed[0][0], "updated_at"):
            values["updated_at"] = now
        model._default_manager.filter(pk__in=[o.pk for o, _c in changed]).update(**values)
        old = {}
        by_verb: dict[str, list] = {}
        for obj, change in changed:
            old[obj.pk] = getattr(obj, self.field)
            setattr(obj, self.field, target)
            by_verb.setdefault(change.transition.verb, []).append(obj)
        for verb, group in by_verb.items():
            audit.record_many(actor=actor, tenant=group[0].tenant_id, objs=group, action=self.action(verb),
                              comment=(reason or "").strip(),
                              changes=lambda o: {self.field: [old[o.pk], target]})
        return [o for o, _c in changed]
