"""The state machines of the marketplace (see `torg.core.states`): orders and listings.

The parts come from the market rules, each checked in its own municipality: the buyer of an order
is its buyer while they may use the marketplace in the buyer's municipality (`rules.is_order_buyer`),
the seller whoever manages the listing in the seller's (`rules.is_order_seller`). A partner order
is received by the buyer only: receiving registers the items in the buyer's inventory.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core.states import SYSTEM, Machine, Transition

from . import rules
from .models import OPEN_ORDER_STATUSES, DeliveryMethod, Listing, Order

BUYER, SELLER = "buyer", "seller"


def order_roles(actor, order) -> set:
    parts = set()
    if rules.is_order_buyer(actor, order):
        parts.add(BUYER)
    if rules.is_order_seller(actor, order):
        parts.add(SELLER)
    return parts


def _for_pickup(change):
    if change.obj.delivery_method != DeliveryMethod.PICKUP:
        raise ValidationError(_("The buyer asked for delivery: mark the order as out for delivery."))


def _for_delivery(change):
    if change.obj.delivery_method != DeliveryMethod.DELIVERY:
        raise ValidationError(_("The buyer will pick the items up: mark the order as ready for pickup."))


def _partner_order_received_by_buyer(change):
    """Receiving a partner order registers the items in the buyer's inventory: only the buyer can."""
    if change.obj.is_partner and BUYER not in change.parts:
        raise ValidationError(_("Only the buyer's municipality can receive an order from a partner municipality: "
                                "the items are registered in its inventory."))


REQUESTED, APPROVED, PROCESSING = Order.Status.REQUESTED, Order.Status.APPROVED, Order.Status.PROCESSING
READY, OUT, RECEIVED = Order.Status.READY_FOR_PICKUP, Order.Status.OUT_FOR_DELIVERY, Order.Status.RECEIVED
REJECTED, CANCELLED = Order.Status.REJECTED, Order.Status.CANCELLED

ORDER_MACHINE = Machine(
    entity="order",
    states=Order.Status,
    roles=order_roles,
    transitions=[
        # Without approval the marketplace approves a new order at once (`services.order_create`).
        Transition(REQUESTED, APPROVED, "approve", _("Approved"), who={SELLER, SYSTEM}),
        Transition(REQUESTED, REJECTED, "reject", _("Rejected"), who={SELLER}, reason=True),
        Transition(REQUESTED, CANCELLED, "cancel", _("Cancelled"), who={BUYER}),
        Transition(APPROVED, PROCESSING, "process", _("Processing started"), who={SELLER}),
        Transition(APPROVED, CANCELLED, "cancel", _("Cancelled"), who={BUYER, SELLER}),
        Transition(PROCESSING, READY, "ready", _("Ready for pickup"), who={SELLER}, guards=[_for_pickup]),
        Transition(PROCESSING, OUT, "dispatch", _("Out for delivery"), who={SELLER}, guards=[_for_delivery]),
        # Once the seller is at work, only the seller cancels, and the buyer is told why.
        Transition((PROCESSING, READY, OUT), CANCELLED, "cancel", _("Cancelled"), who={SELLER}, reason=True),
        Transition((READY, OUT), RECEIVED, "receive", _("Received"), who={BUYER, SELLER},
                   guards=[_partner_order_received_by_buyer]),
    ],
)

# What the buttons say for each step (the history says the transition's label).
ORDER_STEP_LABELS = {
    "approve": _("Approve"),
    "reject": _("Reject"),
    "cancel": _("Cancel the order"),
    "process": _("Start processing"),
    "ready": _("Mark ready for pickup"),
    "dispatch": _("Mark out for delivery"),
    "receive": _("Receive"),
}


def listing_roles(actor, listing) -> set:
    return {SELLER} if rules.manages_listing(actor, listing) else set()


def _no_open_orders(change):
    numbers = list(Order.objects.filter(listing=change.obj, status__in=list(OPEN_ORDER_STATUSES))
                   .values_list("number", flat=True))
    if numbers:
        raise ValidationError(_("The listing has open orders (%(numbers)s). Cancel or finish them before "
                                "withdrawing it.") % {"numbers": ", ".join(numbers)})


LISTING_MACHINE = Machine(
    entity="listing",
    states=Listing.Status,
    roles=listing_roles,
    transitions=[
        Transition(Listing.Status.OPEN, Listing.Status.WITHDRAWN, "withdraw", _("Withdrawn"), who={SELLER},
                   guards=[_no_open_orders]),
        # The marketplace closes a listing when its last item has left it (received or given away).
        Transition(Listing.Status.OPEN, Listing.Status.CLOSED, "close", pgettext_lazy("listing status", "Closed"),
                   who={SYSTEM}),
    ],
)
