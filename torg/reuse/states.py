"""The item machine: the statuses an item may go through, who may make each change, and nothing else.

Every status change goes through `ITEM_MACHINE` inside `services.item_change_status` (the only
writer of `Item.status` after registration). Two kinds of parts play in it:

- people: the reuse roles that may change an item's status (`rules.STATUS_ROLES`: administrator,
  location manager — only for items in the buildings they manage —, surveyor, buyer/seller), found
  by `item_roles` from the same rules the views check (`reuse.change_status`);
- the system (`states.SYSTEM`): the marketplace and the relocation plans, which check their own
  permissions and call `item_change_status(..., system=True)`.

The statuses the marketplace manages (listed, ordered, given away) are entered and left only by the
system: the inventory's pages, its API and the selection can never set them, nor take an item out of
a listing or an order (the listing is withdrawn or the order finished in the marketplace instead).
The audit action of a change is `item_<verb>` (e.g. `item_dispose`, which the impact report reads).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from torg.core import states

from .models import MARKET_STATUSES, Status
from .rules import LM, STATUS_ROLES, in_scope, reuse_role_in

IN_USE, AVAILABLE, RESERVED = Status.IN_USE, Status.AVAILABLE, Status.RESERVED
FOR_RELOCATION, FOR_REPAIR, FOR_RECYCLING = Status.FOR_RELOCATION, Status.FOR_REPAIR, Status.FOR_RECYCLING
DISPOSED, LISTED, ORDERED, GIVEN_AWAY = Status.DISPOSED, Status.LISTED, Status.ORDERED, Status.GIVEN_AWAY

PEOPLE = frozenset(STATUS_ROLES) | {states.SYSTEM}  # a change people make; the services may make it too
SYSTEM_ONLY = frozenset({states.SYSTEM})  # a change the marketplace makes (listing, ordering, giving away)


def item_roles(actor, item) -> set:
    """The part the actor plays for this item: their reuse role, when it reaches the item's building
    (a location manager acts on the buildings they manage only)."""
    role, scope = reuse_role_in(actor, item)
    if role is None or (role == LM and not in_scope(item, scope)):
        return set()
    return {role}


T = states.Transition
ITEM_MACHINE = states.Machine(
    entity="item",
    states=Status,
    roles=item_roles,
    transitions=[
        T((AVAILABLE, RESERVED, FOR_RELOCATION, FOR_REPAIR), IN_USE, "put_in_use", _("Put in use"), who=PEOPLE),
        T((LISTED, ORDERED), IN_USE, "put_in_use", _("Put in use"), who=SYSTEM_ONLY),
        T((IN_USE, RESERVED, FOR_RELOCATION, FOR_REPAIR, FOR_RECYCLING), AVAILABLE, "make_available",
          _("Made available"), who=PEOPLE),
        T((LISTED, ORDERED), AVAILABLE, "make_available", _("Made available"), who=SYSTEM_ONLY),
        T((IN_USE, AVAILABLE, FOR_RELOCATION), RESERVED, "reserve", _("Reserved"), who=PEOPLE),
        T(ORDERED, RESERVED, "reserve", _("Reserved"), who=SYSTEM_ONLY),
        T((IN_USE, AVAILABLE, RESERVED), FOR_RELOCATION, "mark_for_relocation", _("Marked for relocation"),
          who=PEOPLE),
        T(ORDERED, FOR_RELOCATION, "mark_for_relocation", _("Marked for relocation"), who=SYSTEM_ONLY),
        T((IN_USE, AVAILABLE, FOR_RELOCATION), FOR_REPAIR, "mark_for_repair", _("Marked for repair/redesign"),
          who=PEOPLE),
        T((IN_USE, AVAILABLE, FOR_REPAIR), FOR_RECYCLING, "mark_for_recycling", _("Marked for recycling"),
          who=PEOPLE),
        T(FOR_RECYCLING, DISPOSED, "dispose", _("Disposed"), who=PEOPLE),
        T((IN_USE, AVAILABLE, ORDERED), LISTED, "list", _("Listed in the marketplace"), who=SYSTEM_ONLY),
        T(LISTED, ORDERED, "order", _("Ordered in the marketplace"), who=SYSTEM_ONLY),
        T((AVAILABLE, FOR_REPAIR, FOR_RECYCLING, LISTED, ORDERED), GIVEN_AWAY, "give_away", _("Given away"),
          who=SYSTEM_ONLY),
    ],
)
del T

# The statuses a person can ever choose (the selection's status form offers these; the item's own
# form offers `ITEM_MACHINE.available(item, user)`).
MANUAL_TARGETS = frozenset(t.target for t in ITEM_MACHINE.transitions() if t.who - SYSTEM_ONLY)


def marketplace_refusal(items, to_status) -> ValidationError:
    """The words for a person's change the machine refused as the marketplace's (`PermissionDenied`
    from `item_change_status` after the caller checked `reuse.change_status` on every item): the
    view and the API show it instead of a bare 403."""
    if to_status not in MANUAL_TARGETS and to_status in Status.values:
        return ValidationError({"to_status": gettext("“%(status)s” is set in the marketplace, by listing, ordering "
                                                     "or giving away the item.") % {"status": Status(to_status).label}})
    held = [i for i in items if i.status in MARKET_STATUSES] or list(items)
    return ValidationError(gettext("Item %(number)s is %(status)s in the marketplace. Withdraw the listing or finish "
                                   "the order there first.")
                           % {"number": held[0].number, "status": Status(held[0].status).label.lower()})
