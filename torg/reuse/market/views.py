"""Marketplace pages. Thin: parse, check permission, call a query or service, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.accounts.views import history_context
from torg.core import audit
from torg.core.ids import normalize_public_code
from torg.core.photos import serve as serve_file
from torg.core.views import (apply_validation_error, breadcrumbs, form_page, int_param, paginate, require_perm,
                             tenant_lookup)
from torg.places.models import Building
from torg.reuse import queries as inventory
from torg.reuse.models import Condition, ReuseRole
from torg.reuse.rules import reuse_role_in

from . import queries, services
from .forms import (GiveAwayForm, GiveAwayItemsForm, ListingForm, MessageForm, OrderForm, ReasonForm, ReceiveForm,
                    SaveSearchForm, SettingsForm)
from .models import Listing, Order, Stage
from .states import ORDER_MACHINE, ORDER_STEP_LABELS

PER_PAGE = 24


_tenant = tenant_lookup("reuse_market.view_market")


_crumbs = breadcrumbs((gettext_lazy("Reuse"), "reuse:overview"), (gettext_lazy("Marketplace"), "market:home"))


def _filters(request):
    g = request.GET
    return {
        "search": g.get("q", "").strip()[:100], "category_id": int_param(g.get("category")),
        "condition": g.get("condition", "") if g.get("condition", "") in {"0", "1", "2", "3"} else "",
        "building_id": int_param(g.get("building")), "colour": g.get("colour", "")[:60],
    }


def _filter_context(tenant):
    return {
        "categories": inventory.category_list(tenant=tenant, include_archived=True),
        "colours": inventory.colour_choices(tenant=tenant), "conditions": Condition.choices,
        "buildings": Building.objects.filter(tenant=tenant, archived=False).order_by("name").values_list("pk", "name"),
    }


def _can(request, tenant):
    return {name: request.user.has_perm(f"reuse_market.{name}", tenant)
            for name in ("list_items", "order", "manage_market", "give_away")}


def _stage_info(listing, now=None):
    """Who can see the listing now and when the next stage opens, as text."""
    now = now or timezone.now()
    stage = listing.stage(now)
    audience = {
        Stage.SELLER: _("Only you and the other sellers of this location (published %(date)s)."),
        Stage.UNIT: _("Members of %(unit)s."),
        Stage.MUNICIPALITY: _("Everyone in the municipality."),
        Stage.PARTNERS: _("Everyone in the municipality and in partner municipalities."),
        Stage.PUBLIC: _("Everyone in the municipality, in partner municipalities and the public."),
    }[stage] % {"unit": listing.owner_unit or "–",
                "date": timezone.localtime(listing.published_at).strftime("%d.%m.%Y")}
    nxt = listing.next_stage(now)
    following = None
    if nxt is not None:
        following = {"stage": Stage(nxt[0]).label, "when": nxt[1]}
    return {"stage": stage, "stage_label": Stage(stage).label, "audience": audience, "next": following}


# --- Browse ------------------------------------------------------------------------------------
@login_required
def home(request):
    tenant = _tenant(request)
    f = _filters(request)
    qs = queries.listing_search(tenant=tenant, user=request.user, **f)
    page = paginate(request, qs, per_page=PER_PAGE)
    context = {
        "page_obj": page, "f": f, "photos": queries.cover_photos(page.object_list), "can": _can(request, tenant),
        "has_filters": any(v not in (None, "") for v in f.values()),
        "save_form": SaveSearchForm(initial={"name": f["search"]}),
        "unread": queries.notifications(tenant=tenant, user=request.user, unread_only=True)[:10],
        "has_partners": queries.partner_tenants(tenant=tenant).exists(),
        "public_enabled": queries.settings_for(tenant=tenant).public_days is not None,
        "open_buying": queries.buyer_orders(tenant=tenant, user=request.user, open_only=True).count(),
        "open_selling": queries.seller_orders(tenant=tenant, user=request.user, open_only=True).count(),
        "crumbs": _crumbs(), **_filter_context(tenant),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "market/partials/listing_results.html", context)
    return render(request, "market/home.html", context)


def _visible_listing(request, tenant, pk):
    listing = queries.listing_get(tenant=tenant, pk=pk)
    manager = request.user.has_perm("reuse_market.manage_listing", listing)
    if not manager and not queries.listing_visible_to(listing, user=request.user):
        raise Http404
    return listing, manager


@login_required
def listing_detail(request, pk):
    tenant = _tenant(request)
    listing, manager = _visible_listing(request, tenant, pk)
    now = timezone.now()
    orderable = (listing.status == Listing.Status.OPEN and not listing.expired(now) and listing.available_count > 0
                 and listing.created_by_id != request.user.pk)
    may_order = request.user.has_perm("reuse_market.order", tenant)
    role, _scope = reuse_role_in(request.user, tenant)
    return render(request, "market/listing_detail.html", {
        "listing": listing, "manager": manager, "can_order": orderable and may_order, "expired": listing.expired(now),
        # Why there is no Order button, and whom to ask (a role that may only look).
        "order_denied": orderable and not may_order,
        "role_label": dict(ReuseRole.Role.choices).get(role, _("no reuse role")),
        "ask": inventory.reuse_administrators(tenant=tenant) if orderable and not may_order else (),
        "photos": queries.listing_photos(listing=listing), "info": _stage_info(listing, now),
        "lines": queries.listing_lines(listing=listing) if manager else None,
        "orders": queries.listing_orders(listing=listing) if manager else None,
        "can_give_away": manager and listing.status == Listing.Status.OPEN,
        "crumbs": _crumbs((listing.number, None)),
    })


# --- Sell ----------------------------------------------------------------------------------------
@login_required
def sell(request):
    """Choose what to list: the user's listable items grouped as "n of this product here"."""
    tenant = _tenant(request, "reuse_market.list_items")
    f = _filters(request)
    groups = queries.listable_groups(tenant=tenant, user=request.user, search=f["search"],
                                     category_id=f["category_id"], building_id=f["building_id"])
    page = paginate(request, groups, per_page=50)
    context = {"page_obj": page, "f": f, "crumbs": _crumbs((_("List items"), None)), **_filter_context(tenant)}
    if request.htmx and not request.htmx.boosted:
        return render(request, "market/partials/sell_table.html", context)
    return render(request, "market/sell.html", context)


def _group_items(request, tenant):
    g = request.GET
    if g.get("item"):
        item = inventory.item_get(tenant=tenant, pk=int_param(g.get("item")) or 0)
        return [item] if item.status in services.LISTABLE_STATUSES else []
    condition = g.get("condition", "")
    if condition not in {"0", "1", "2", "3"} or not int_param(g.get("product")):
        raise Http404
    return list(queries.listable_items(tenant=tenant, user=request.user, product_id=int_param(g.get("product")),
                                       building_id=int_param(g.get("building")), owner_unit_id=int_param(g.get("unit")),
                                       condition=int(condition)))


@login_required
def listing_create(request):
    tenant = _tenant(request, "reuse_market.list_items")
    items = _group_items(request, tenant)
    if not items:
        messages.error(request, _("None of these items can be listed any more."))
        return redirect("market:sell")
    first = items[0]
    if not request.user.has_perm("reuse_market.list_items", first):
        raise Http404
    conf = queries.settings_for(tenant=tenant)
    form = ListingForm(request.POST or None, max_quantity=len(items), conf=conf, initial={
        "quantity": len(items), "title": str(first.product), "available_from": timezone.localdate(),
        "to_partners": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            listing = services.listing_create(
                actor=request.user, tenant=tenant, items=items[:d["quantity"]], title=d["title"],
                description=d["description"], available_from=d["available_from"],
                available_until=d["available_until"], requires_approval=d["requires_approval"], pickup=d["pickup"],
                delivery=d["delivery"], to_partners=d.get("to_partners", False), to_public=d.get("to_public", False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Listed %(n)d × %(title)s as %(number)s.")
                             % {"n": d["quantity"], "title": listing.title, "number": listing.number})
            return redirect("market:listing_detail", pk=listing.pk)
    return render(request, "market/listing_form.html", {
        "form": form, "items": items, "first": first, "conf": conf,
        "title": _("List %(product)s") % {"product": first.product},
        "crumbs": _crumbs((_("List items"), reverse("market:sell")), (_("New listing"), None)),
    }, status=422 if request.method == "POST" else 200)


def _managed_listing(request, pk):
    tenant = _tenant(request)
    listing = queries.listing_get(tenant=tenant, pk=pk)
    require_perm(request, "reuse_market.manage_listing", listing)
    return tenant, listing


@login_required
def listing_edit(request, pk):
    tenant, listing = _managed_listing(request, pk)
    conf = queries.settings_for(tenant=tenant)
    form = ListingForm(request.POST or None, conf=conf, editing=True, initial={
        "title": listing.title, "description": listing.description, "available_from": listing.available_from,
        "available_until": listing.available_until, "pickup": listing.pickup, "delivery": listing.delivery,
        "requires_approval": listing.requires_approval, "to_partners": listing.partners_at is not None,
        "to_public": listing.public_at is not None})

    def save(d):
        return services.listing_update(
            actor=request.user, listing=listing, to_partners=d.get("to_partners", False),
            to_public=d.get("to_public", False),
            **{k: d[k] for k in ("title", "description", "available_from", "available_until", "pickup", "delivery",
                                 "requires_approval")})

    return form_page(request, form=form, save=save, success_url=reverse("market:listing_detail", args=[listing.pk]),
                     success_message=_("The listing was saved."), context={
                         "title": _("Edit %(number)s") % {"number": listing.number},
                         "cancel_url": reverse("market:listing_detail", args=[listing.pk]),
                         "crumbs": _crumbs((listing.number, reverse("market:listing_detail", args=[listing.pk])),
                                           (_("Edit"), None))})


@login_required
@require_POST
def listing_withdraw(request, pk):
    _tenant_, listing = _managed_listing(request, pk)
    try:
        services.listing_withdraw(actor=request.user, listing=listing, comment=request.POST.get("comment", "")[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(number)s was withdrawn; its items have their previous status again.")
                         % {"number": listing.number})
    return redirect("market:listing_detail", pk=listing.pk)


@login_required
def my_listings(request):
    tenant = _tenant(request)
    status = request.GET.get("status", "open")
    status = status if status in Listing.Status.values else ""
    page = paginate(request, queries.seller_listings(tenant=tenant, user=request.user, status=status))
    return render(request, "market/my_listings.html", {
        "page_obj": page, "status": status, "statuses": Listing.Status.choices, "can": _can(request, tenant),
        "crumbs": _crumbs((_("My listings"), None)),
    })


# --- Orders --------------------------------------------------------------------------------------
@login_required
def order_create(request, pk):
    tenant = _tenant(request, "reuse_market.order")
    listing, _manager = _visible_listing(request, tenant, pk)
    if listing.created_by_id == request.user.pk:
        messages.error(request, _("You cannot order from your own listing."))
        return redirect("market:listing_detail", pk=listing.pk)
    return _order_page(request, tenant, listing, reverse("market:listing_detail", args=[listing.pk]))


@login_required
def partner_order_create(request, code):
    """Order a partner municipality's listing for a unit and room of the user's own municipality."""
    tenant = _tenant(request, "reuse_market.order")
    listing = queries.partner_listing_get(tenant=tenant, code=normalize_public_code(code) or "")
    return _order_page(request, tenant, listing, reverse("market:partner_detail", args=[listing.code]),
                       crumbs=_crumbs((_("Partner municipalities"), reverse("market:partner_list")),
                                      (listing.number, reverse("market:partner_detail", args=[listing.code])),
                                      (_("Order"), None)))


def _order_page(request, tenant, listing, back_url, crumbs=None):
    unit = queries.user_unit(tenant=tenant, user=request.user)
    building_id = int_param(request.POST.get("building")) if request.method == "POST" else None
    form = OrderForm(request.POST or None, tenant=tenant, listing=listing, available=max(listing.available_count, 1),
                     building_id=building_id, initial={"quantity": 1, "to_unit": unit})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.order_create(actor=request.user, tenant=tenant, listing=listing, quantity=d["quantity"],
                                          delivery_room=d["room"], to_unit=d["to_unit"],
                                          delivery_method=d["delivery_method"], note=d["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, (_("Order %(number)s was sent. It waits for the seller's approval.")
                                       if order.status == Order.Status.REQUESTED
                                       else _("Order %(number)s is approved.")) % {"number": order.number})
            return redirect("market:order_detail", pk=order.pk)
    partner = listing.tenant_id != tenant.pk
    return render(request, "market/order_form.html", {
        "form": form, "listing": listing, "room_options_url": reverse("reuse:room_options"), "partner": partner,
        "approval": partner or services.needs_approval(listing=listing, buyer=request.user), "back_url": back_url,
        "crumbs": crumbs or _crumbs((listing.number, back_url), (_("Order"), None)),
    }, status=422 if request.method == "POST" else 200)


@login_required
def order_list(request):
    tenant = _tenant(request)
    side = request.GET.get("side", "buying")
    side = side if side in ("buying", "selling") else "buying"
    open_only = request.GET.get("show") != "all"
    qs = (queries.buyer_orders if side == "buying" else queries.seller_orders)(
        tenant=tenant, user=request.user, open_only=open_only)
    return render(request, "market/order_list.html", {
        "page_obj": paginate(request, qs), "side": side, "open_only": open_only,
        "crumbs": _crumbs((_("Orders"), None)),
    })


def _order(request, pk):
    tenant = _tenant(request)
    order = queries.order_get(tenant=tenant, pk=pk)
    require_perm(request, "reuse_market.view_order", order)
    return order


def _seller_side(request, order):
    """The page of the seller's municipality (for a partner order the buyer's shows less)."""
    return request.tenant.pk == order.tenant_id and request.user.has_perm("reuse_market.manage_listing", order.listing)


def _order_history(order, partner_buyer):
    """The order's audit history; a partner buyer is not shown which of the seller's items it held."""
    events = list(audit.history_for(order, order.tenant)[:100])
    if partner_buyer:
        for event in events:
            event.changes = {k: v for k, v in (event.changes or {}).items() if k != "items"}
    return events


@login_required
def order_detail(request, pk):
    order = _order(request, pk)
    # Every step the user may take; cancelling and rejecting ask for a reason (required when declared).
    steps = [{"to": t.target, "label": ORDER_STEP_LABELS.get(t.verb, t.label), "reason_required": t.reason,
              "ask_reason": t.reason or t.target in (Order.Status.CANCELLED, Order.Status.REJECTED)}
             for t in services.order_steps(order, request.user)]
    seller_side = _seller_side(request, order)
    partner_buyer = order.is_partner and not seller_side
    lines = list(order.lines.all())
    context = {
        "order": order, "seller_side": seller_side, "partner_buyer": partner_buyer,
        "next_text": _order_next_text(order, seller_side),
        # Where to pick the items up: their rooms (never a partner municipality's rooms) and the seller.
        "pickup_places": [] if partner_buyer else sorted(
            {(line.item.building.name if line.item.building_id else "",
              str(line.item.room) if line.item.room_id else "") for line in lines}),
        "seller_contact": order.listing.created_by,
        "link_items": seller_side or order.status == Order.Status.RECEIVED or (
            not partner_buyer and request.user.has_perm("reuse.view_items", request.tenant)),
        "steps": [s for s in steps if s["to"] != Order.Status.RECEIVED],
        "can_receive": any(s["to"] == Order.Status.RECEIVED for s in steps),
        # A partner buyer sees the listing only while it is in its partner stage.
        "listing_url": (reverse("market:partner_detail", args=[order.listing.code])
                        if queries.partner_listings(tenant=request.tenant).filter(pk=order.listing_id).exists()
                        else None)
        if partner_buyer else reverse("market:listing_detail", args=[order.listing.pk]),
        # The order's history is kept in the seller's municipality; a partner buyer reads it there too.
        # Its buyer unit and delivery room are the buyer's: both sides see them by name.
        **history_context(request, order.tenant, order, events=_order_history(order, partner_buyer), limit=100,
                          also_tenants=[order.buyer_tenant_id]),
        "messages_list": queries.order_messages(order=order),
        "message_form": MessageForm(), "reason_form": ReasonForm(),
        "crumbs": _crumbs((_("Orders"), reverse("market:order_list") + (
            "?side=selling" if seller_side and order.buyer_id != request.user.pk else "")), (order.number, None)),
    }
    if request.htmx and not request.htmx.boosted and request.GET.get("part") == "messages":
        return render(request, "market/partials/order_messages.html", context)
    return render(request, "market/order_detail.html", context)


def _order_next_text(order, seller_side):
    """What happens next with the order, in words, for the buyer's or the seller's side."""
    S = Order.Status
    texts = {
        S.REQUESTED: (_("Approve or reject the order. The buyer is told at once.") if seller_side else
                      _("The seller approves or rejects the order. You get a message when they have decided.")),
        S.APPROVED: (_("Prepare the items, then mark them ready for pickup or out for delivery.") if seller_side else
                     _("The order is approved. The seller prepares the items and tells you when they are ready.")),
        S.PROCESSING: (_("Mark the items ready for pickup or out for delivery when they are.") if seller_side else
                       _("The seller is preparing the items. You get a message when they are ready.")),
        S.READY_FOR_PICKUP: (_("The items are ready for pickup. The buyer receives the order by scanning a label.")
                             if seller_side else
                             _("The items are ready. Pick them up at the place below, then receive the order by "
                               "scanning the label on one of them.")),
        S.OUT_FOR_DELIVERY: (_("The items are on their way. The buyer receives the order by scanning a label.")
                             if seller_side else
                             _("The items are on their way to the delivery room. When they arrive, receive the order "
                               "by scanning the label on one of them.")),
        S.RECEIVED: _("Done: the items are received."),
        S.REJECTED: _("The order was rejected. Nothing more happens."),
        S.CANCELLED: _("The order was cancelled. Nothing more happens."),
    }
    return texts.get(order.status, "")


@login_required
@require_POST
def order_status(request, pk):
    order = _order(request, pk)
    to_status = request.POST.get("to_status", "")
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.order_transition(actor=request.user, order=order, to_status=to_status,
                                  reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Order %(number)s: %(status)s.")
                         % {"number": order.number, "status": Order.Status(to_status).label})
    return redirect("market:order_detail", pk=order.pk)


@login_required
@require_POST
def order_message(request, pk):
    order = _order(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.order_message_add(actor=request.user, order=order, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            form = MessageForm()
    if request.htmx:
        return render(request, "market/partials/order_messages.html", {
            "order": order, "messages_list": queries.order_messages(order=order), "message_form": form},
            status=422 if form.errors else 200)
    if form.errors:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("market:order_detail", args=[order.pk]) + "#messages")


@login_required
def order_receive(request, pk):
    """Receive an order by scanning the QR label of one of its items (or typing its code)."""
    order = _order(request, pk)
    if not ORDER_MACHINE.may(order, request.user, Order.Status.RECEIVED):
        messages.error(request, _("Order %(number)s cannot be received now (status: %(status)s).")
                       % {"number": order.number, "status": order.get_status_display()})
        return redirect("market:order_detail", pk=order.pk)
    data = request.POST or None
    form = ReceiveForm(data, auto_id="%s")  # id "code": the reuse scanner script fills it in
    if data is not None and form.is_valid():
        try:
            services.order_receive_by_code(actor=request.user, order=order, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            text = (_("Order %(number)s was received. The items are registered in your inventory, in %(room)s and "
                      "owned by %(unit)s. Print new labels for them.") if order.is_partner
                    else _("Order %(number)s was received. The items are now in %(room)s and owned by %(unit)s."))
            messages.success(request, text % {"number": order.number, "room": order.delivery_room,
                                              "unit": order.to_unit or "–"})
            return redirect("market:order_detail", pk=order.pk)
    return render(request, "market/order_receive.html", {
        "form": form, "order": order,
        "crumbs": _crumbs((order.number, reverse("market:order_detail", args=[order.pk])), (_("Receive"), None)),
    }, status=422 if form.errors else 200)


# --- Saved searches and notifications ------------------------------------------------------------
@login_required
def saved_search_list(request):
    tenant = _tenant(request)
    searches = list(queries.saved_searches(tenant=tenant, user=request.user))
    for s in searches:
        params = {"q": s.query, "category": s.category_id or "", "building": s.building_id or "",
                  "condition": "" if s.condition is None else s.condition, "colour": s.colour}
        s.url = reverse("market:home") + "?" + urlencode({k: v for k, v in params.items() if v != ""})
    return render(request, "market/saved_searches.html", {
        "searches": searches,
        "notifications": queries.notifications(tenant=tenant, user=request.user)[:50],
        "crumbs": _crumbs((_("Saved searches"), None)),
    })


@login_required
@require_POST
def saved_search_create(request):
    tenant = _tenant(request, "reuse_market.order")
    f = _filters(request)
    form = SaveSearchForm(request.POST)
    form.is_valid()
    category = inventory.category_get(tenant=tenant, pk=f["category_id"]) if f["category_id"] else None
    building = Building.objects.filter(tenant=tenant, pk=f["building_id"]).first() if f["building_id"] else None
    try:
        search = services.saved_search_create(
            actor=request.user, tenant=tenant, name=form.cleaned_data.get("name", ""), query=f["search"],
            category=category, building=building, colour=f["colour"],
            condition=int(f["condition"]) if f["condition"] != "" else None,
            email=form.cleaned_data.get("email", False))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("market:home") + "?" + request.GET.urlencode())
    messages.success(request, _("Saved the search “%(name)s”. You will be told when something matching is listed.")
                     % {"name": search.name})
    return redirect("market:saved_searches")


@login_required
@require_POST
def saved_search_delete(request, pk):
    tenant = _tenant(request)
    search = queries.saved_search_get(tenant=tenant, user=request.user, pk=pk)
    services.saved_search_delete(actor=request.user, search=search)
    messages.success(request, _("Deleted the search “%(name)s”.") % {"name": search.name})
    return redirect("market:saved_searches")


@login_required
@require_POST
def notifications_read(request):
    tenant = _tenant(request)
    services.notifications_mark_read(actor=request.user, tenant=tenant)
    return redirect("market:home")


# --- Settings ------------------------------------------------------------------------------------
@login_required
def settings_edit(request):
    tenant = _tenant(request, "reuse_market.manage_market")
    conf = queries.settings_for(tenant=tenant)
    form = SettingsForm(request.POST or None, tenant=tenant, initial={
        "unit_days": conf.unit_days, "partner_days": conf.partner_days, "public_days": conf.public_days,
        "approve_buyer_orders": conf.approve_buyer_orders,
        "partners": list(conf.partners.all()) if conf.pk else []})
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, tenant=tenant, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The marketplace settings were saved. They apply to new listings."))
            return redirect("market:settings")
    return render(request, "market/settings.html", {
        "form": form, "partners": queries.partner_tenants(tenant=tenant),
        "waiting": queries.partners_waiting(tenant=tenant),
        "public_url": reverse("market:public_list", args=[tenant.slug]) if conf.public_days is not None else "",
        "crumbs": _crumbs((_("Settings"), None)),
    }, status=422 if request.method == "POST" else 200)


# --- Give-aways ----------------------------------------------------------------------------------
@login_required
def give_away_list(request):
    tenant = _tenant(request, "reuse_market.give_away")
    return render(request, "market/give_away_list.html", {
        "page_obj": paginate(request, queries.give_aways(tenant=tenant)),
        "crumbs": _crumbs((_("Given away"), None)),
    })


@login_required
def listing_give_away(request, pk):
    tenant, listing = _managed_listing(request, pk)
    if listing.status != Listing.Status.OPEN or not listing.available_count:
        messages.error(request, _("Nothing in this listing can be given away now."))
        return redirect("market:listing_detail", pk=listing.pk)
    form = GiveAwayForm(request.POST or None, recipients=queries.recipients(tenant=tenant),
                        max_quantity=listing.available_count, initial={"quantity": listing.available_count})

    def save(d):
        items = [line.item for line in queries.listing_lines(listing=listing)
                 if line.active and line.item.status == "listed"][:d["quantity"]]
        return services.give_away(actor=request.user, tenant=tenant, items=items, recipient=d["recipient"],
                                  comment=d["comment"], listing=listing)

    return form_page(request, form=form, save=save, success_url=reverse("market:give_aways"),
                     success_message=_("The items were given away and have left the inventory."), context={
                         "title": _("Give away from %(number)s") % {"number": listing.number},
                         "intro": _("The items leave the inventory; their history is kept and the reuse is "
                                    "counted in the impact reports."),
                         "cancel_url": reverse("market:listing_detail", args=[listing.pk]),
                         "crumbs": _crumbs((listing.number, reverse("market:listing_detail", args=[listing.pk])),
                                           (_("Give away"), None))})


@login_required
def give_away_items(request):
    """Give away items that are not listed: by number or code, one per line (or ticked ?item=)."""
    tenant = _tenant(request, "reuse_market.give_away")
    initial_items = "\n".join(i.number for i in queries.giveable_items(tenant=tenant,
                                                                        ids=request.GET.getlist("item")))
    form = GiveAwayItemsForm(request.POST or None, tenant=tenant, recipients=queries.recipients(tenant=tenant),
                             initial={"items": initial_items})

    def save(d):
        for item in d["items"]:
            if not request.user.has_perm("reuse_market.give_away", item):
                raise ValidationError({"items": _("You may not give away item %(number)s (another location).")
                                       % {"number": item.number}})
        return services.give_away(actor=request.user, tenant=tenant, items=d["items"], recipient=d["recipient"],
                                  comment=d["comment"])

    return form_page(request, form=form, save=save, success_url=reverse("market:give_aways"),
                     success_message=_("The items were given away and have left the inventory."), context={
                         "title": _("Give away items"),
                         "intro": _("The items leave the inventory; their history is kept and the reuse is "
                                    "counted in the impact reports."),
                         "cancel_url": reverse("market:give_aways"),
                         "crumbs": _crumbs((_("Given away"), reverse("market:give_aways")), (_("Give away"), None))})


# --- Partner municipalities ----------------------------------------------------------------------
@login_required
def partner_list(request):
    tenant = _tenant(request)
    f = _filters(request)
    page = paginate(request, queries.partner_listings(tenant=tenant, search=f["search"]), per_page=PER_PAGE)
    return render(request, "market/partner_list.html", {
        "page_obj": page, "f": f, "photos": queries.cover_photos(page.object_list),
        "partners": queries.partner_tenants(tenant=tenant),
        "crumbs": _crumbs((_("Partner municipalities"), None)),
    })


@login_required
def partner_photo(request, code, n):
    """A photo of a partner municipality's listing in its partner stage (the seller's item photos are
    not in this tenant, so the file view's tenant rule would refuse them)."""
    tenant = _tenant(request)
    listing = queries.partner_listing_get(tenant=tenant, code=normalize_public_code(code) or "")
    return _listing_photo(request, listing, n)


@login_required
def partner_detail(request, code):
    tenant = _tenant(request)
    normalized = normalize_public_code(code) or ""
    listing = queries.partner_listing_get(tenant=tenant, code=normalized)
    return render(request, "market/partner_detail.html", {
        "listing": listing, "photos": queries.listing_photos(listing=listing),
        "can_order": request.user.has_perm("reuse_market.order", tenant) and not listing.expired(),
        "my_orders": queries.buyer_orders(tenant=tenant, user=request.user).filter(listing=listing),
        "crumbs": _crumbs((_("Partner municipalities"), reverse("market:partner_list")), (listing.number, None)),
    })


# --- The public page (no login, no personal data) ------------------------------------------------
def public_list(request, slug):
    tenant = queries.public_tenant(slug=slug)
    f = _filters(request)
    page = paginate(request, queries.public_listings(tenant=tenant, search=f["search"],
                                                     category_id=f["category_id"]), per_page=PER_PAGE)
    return render(request, "market/public_list.html", {
        "page_obj": page, "f": f, "public_tenant": tenant, "photo_listings": queries.cover_photos(page.object_list),
        "categories": inventory.category_list(tenant=tenant, include_archived=True),
    })


def public_detail(request, slug, code):
    tenant = queries.public_tenant(slug=slug)
    listing = queries.public_listing_get(tenant=tenant, code=normalize_public_code(code) or "")
    count = len(queries.listing_photos(listing=listing))
    return render(request, "market/public_detail.html", {
        "listing": listing, "public_tenant": tenant, "photo_count": count, "photo_range": range(1, count + 1),
    })


def public_photo(request, slug, code, n):
    """A photo of a public listing, served without revealing the item's code or storage path."""
    tenant = queries.public_tenant(slug=slug)
    listing = queries.public_listing_get(tenant=tenant, code=normalize_public_code(code) or "")
    return _listing_photo(request, listing, n, public=True)


def _listing_photo(request, listing, n, *, public=False):
    """Photo number `n` of a listing the caller has already found visible (no item code, no storage path)."""
    found = queries.listing_photos(listing=listing)
    if not 1 <= n <= len(found):
        raise Http404
    return serve_file(request, found[n - 1].image.name, public=public)

