"""Automated permission sweep over every URL of the project.

Every URL pattern in the resolver (walked recursively, the REST API and Django's admin included) is
either listed in PUBLIC below, with the reason it is public by design, or it is checked:

(a) anonymous → redirect to the login page (web pages) or 401/403 (API), never data;
(b) an administrator of another municipality → 404 for a URL carrying an object id of tenant A
    (in the path, or in the request body for API writes), with a tenant-B API token for the API;
(c) a citizen of tenant A → 403/404 on every page and endpoint that is not in CITIZEN_OK.

Every URL not in PUBLIC is swept, so a new URL cannot slip in without either protection or an
explicit allow-list entry: (a) and (c) run on it at once. Path parameters come from PARAMS (real
objects of tenant A built through the services); a new URL not yet listed there is still swept by
(a) and (c) with made-up parameter values (the login and permission checks run before any lookup),
and a warning names it until it is added to PARAMS, which is what check (b) needs. Django's admin
is for the platform's superusers (`is_staff`), which no municipal role has; it is checked
separately.

A positive control (`test_tenant_admin_reaches_every_object_url`) makes sure the object ids used
below are real: tenant A's administrator does not get 404 where tenant B's administrator must.
"""

import collections
import datetime as dt
import io
import re
import warnings
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


# --- The allow-list: public by design ---------------------------------------------------------
PUBLIC = {
    "participation:public_feedback": "The public 'you said — we did' page of a published process, by its 60-bit code (a draft is 404).",
    "participation:public_plan": "A published process's floor/site plan with its public pins, by code (a draft is 404).",
    "participation:subscribe": "Anyone may ask to follow a published process by e-mail (double opt-in).",
    "participation:subscription_confirm": "Confirms a subscription by its unguessable token.",
    "participation:unsubscribe": "Ends a subscription by its unguessable token.",
    "participation:receipt": "An input's private receipt, by its unguessable token (the author sees and deletes it).",
    "api:public_feedback": "API twin of participation:public_feedback (no login; a draft is 404).",
    "api:public_plans": "API twin of participation:public_plan (no login; a draft is 404).",
    "api:subscribe": "API twin of participation:subscribe (no login, double opt-in).",
    "api:submit_pin": ("API twin of participation:public_plan's pin form: who may pin follows the process's "
                       "identity setting (anonymous, invite code, logged in); a session cookie is CSRF-checked."),
    "booking:public_rooms": "The municipality's public room catalogue (no login, bookable rooms only).",
    "booking:public_room_photo": "A catalogue room's photo by the room's random public code (no database id).",
    "set_language": "Language switcher (i18n/setlang): must work before login; changes only a cookie.",
    "accounts:login": "The login page.",
    "accounts:logout": "Logging out needs no login.",
    "accounts:oidc_login": "Starts an OpenID Connect login (ID-porten/Entra ID) for a user not yet signed in.",
    "accounts:oidc_callback": "The OpenID Connect provider redirects the not yet signed-in user back here.",
    "api:api-root": "API root: documentation links only, no data.",
    "api:openapi-json": "OpenAPI schema: describes the API, contains no data.",
    "api:openapi-view": "API documentation page (Swagger UI), no data.",
    "api:unknown-path": "A JSON 404 for any path under /api/v1/ that no operation matches; no data.",
    "booking:resource_feed": "iCal feed of a resource; the URL carries a 32-byte secret token (times only, no "
                             "personal data). Tested in test_security_lessons.",
    "booking:personal_feed": "Personal/organisation iCal feed for calendar apps, which cannot log in; the URL "
                             "carries a 43-character secret token. Tested in test_security_lessons.",
    "api:door_verify": "Door-controller API, authenticated with the controller's own token (DoorAuth), not a "
                       "user's; anonymous and user-token requests get 401 (test_door_api_refuses_users).",
    "api:door_event": "Door-controller API (see door_verify).",
    "market:public_list": "The municipality's public reuse market (when switched on): only listings in their "
                          "public stage, no personal data; 404 otherwise. Tested in reuse/market/tests/"
                          "test_visibility.py.",
    "market:public_detail": "One public listing, addressed by its 60-bit code (see market:public_list).",
    "market:public_photo": "A public listing's photo (see market:public_list).",
    "market:public_list": "Public marketplace page of a municipality that chose a public stage: only listings in "
                          "their public stage, no personal data (404 when the stage is off). Tested in "
                          "reuse/market/tests/test_visibility.py.",
    "market:public_detail": "One listing in its public stage, found by its 60-bit code (see market:public_list).",
    "market:public_photo": "A photo of a listing in its public stage, served by listing code and number (no item "
                           "code or storage path).",
    "participation:public_list": "The municipality's published participation processes, readable without login by "
                                 "design (no drafts). Tested in participation/tests/test_processes.py.",
    "participation:public_detail": "A published participation process by its 60-bit code; a draft is 404 to anyone "
                                   "without permission (test_drafts_never_leak_on_public_pages).",
    "api:public_processes": "API twin of participation:public_list (no login, published processes only).",
    "api:public_process": "API twin of participation:public_detail (a draft is 404).",
    "api:public_activities": "The participation plan of a published process (no login; a draft is 404).",
    "api:public_ideas": "Published ideas of a published process (no login; a draft is 404), without participants.",
    "api:public_surveys": "Open surveys of an open, published process with their questions (no login).",
    **{f"participation:{name}": "Taking part in a participation process: anonymous by design when the process "
                                "says so (logged-in or invite-code processes refuse others in the view); only open, "
                                "published processes, addressed by 60-bit codes. Tested in participation/tests/"
                                "test_input.py." for name in (
        "invite_link", "input_create", "my_input", "input_detail", "input_support", "input_comment",
        "input_report", "input_delete", "survey_answer")},
    "admin:login": "Django admin login page.",
    "admin:logout": "Django admin logout.",
}
# Allow-list entries that exist only in some configurations (not reported as stale).
OPTIONAL = set()
# Web URLs that answer an anonymous visitor 404 instead of sending them to the login page: a file
# must not even reveal that it exists (torg.core.photos). Check (a) accepts 404 for these.
ANONYMOUS_404 = {
    "participation:report_pdf": "The process report: 404 to anyone without permission (tested in participation).",
    "participation:report_xlsx": "The process report: 404 to anyone without permission (tested in participation).",
    "core:file": "Uploaded files: 404 unless the app's rule allows the request (test_files covers it).",
}

# --- Pages and endpoints a citizen of the tenant may use (skipped by check (c)) ---------------
CITIZEN_OK = {
    "web:dashboard": "Start page of every member.",
    "accounts:profile": "Own profile.",
    "accounts:switch_tenant": "Switches between the user's own memberships.",
    "accounts:api_token_create": "Every member may create a personal API token (accounts.use_api).",
    "booking:home": "Citizens book premises (booking.view_resources).",
    "booking:notifications_read": "Marks the user's own notifications as read.",
    "booking:resource_week": "Citizens see a resource's week to book it.",
    "booking:building_week": "Citizens see a building's bookable week (booking.view_resources).",
    "booking:booking_create": "Citizens book (booking.book).",
    "booking:series_create": "Citizens may book recurring slots (booking.book).",
    "booking:my_bookings": "The user's own bookings.",
    "booking:feed_rotate": "Rotates the user's own calendar feed.",
    "booking:meraapent_agreement": "Citizens sign the meråpent agreement for a building.",
    "api:list_resources": "Citizens may book through the API.",
    "api:resource_busy": "Citizens may book through the API.",
    "api:resource_free": "Citizens may book through the API (free slots of a resource).",
    "api:create_booking": "Citizens may book through the API.",
    "api:booking_summary": "Citizens see the summary of a booking before confirming it (booking.book).",
    "api:my_bookings": "The user's own bookings.",
    "api:list_prices": "Citizens see the price rules before they book (booking.view_resources).",
    "api:resource_price": "Citizens see what a booking would cost before they book (booking.view_resources).",
}
# Object URLs a citizen may use for *their own* objects: the objects below belong to the tenant's
# administrator, so the citizen must get 403/404 here too (they stay in check (c)).

# --- How to fill path parameters (objects of tenant A) ----------------------------------------
PARAMS = {
    # accounts
    "accounts:api_token_revoke": lambda w: {"pk": w.token.pk},
    "accounts:org_unit_edit": lambda w: {"pk": w.unit.pk},
    "accounts:org_unit_archive": lambda w: {"pk": w.unit.pk},
    "accounts:user_edit": lambda w: {"pk": w.membership.pk},
    "accounts:user_set_password": lambda w: {"pk": w.membership.pk},
    "accounts:user_unlock": lambda w: {"pk": w.membership.pk},
    "accounts:organisation_edit": lambda w: {"pk": w.organisation.pk},
    "accounts:organisation_archive": lambda w: {"pk": w.organisation.pk},
    # places
    "places:building_detail": lambda w: {"pk": w.building.pk},
    "places:building_edit": lambda w: {"pk": w.building.pk},
    "places:building_archive": lambda w: {"pk": w.building.pk},
    "places:floor_create": lambda w: {"building_pk": w.building.pk},
    "places:room_create": lambda w: {"building_pk": w.building.pk},
    "places:floor_edit": lambda w: {"pk": w.floor.pk},
    "places:floor_archive": lambda w: {"pk": w.floor.pk},
    "places:room_detail": lambda w: {"pk": w.room.pk},
    "places:room_edit": lambda w: {"pk": w.room.pk},
    "places:room_archive": lambda w: {"pk": w.room.pk},
    "places:property_detail": lambda w: {"pk": w.property.pk},
    "places:property_edit": lambda w: {"pk": w.property.pk},
    "places:property_archive": lambda w: {"pk": w.property.pk},
    # reuse
    "reuse:item_detail": lambda w: {"pk": w.item.pk},
    "reuse:item_edit": lambda w: {"pk": w.item.pk},
    "reuse:item_label": lambda w: {"pk": w.item.pk},
    "reuse:product_edit": lambda w: {"pk": w.product.pk},
    "reuse:category_edit": lambda w: {"pk": w.category.pk},
    "reuse:category_archive": lambda w: {"pk": w.category.pk},
    "reuse:role_edit": lambda w: {"pk": w.membership.pk},
    "reuse:import_job": lambda w: {"pk": w.import_job.pk},
    "reuse:import_job_confirm": lambda w: {"pk": w.import_job.pk},
    "reuse:resolve": lambda w: {"code": w.item.code},
    "reuse:item_photo_remove": lambda w: {"pk": w.item.pk, "photo_pk": w.item_photo.pk},
    "reuse:product_photo_remove": lambda w: {"pk": w.product.pk, "photo_pk": w.product_photo.pk},
    "core:file": lambda w: {"key": "reuse-item", "pk": w.item_photo.pk},
    "qr_resolve": lambda w: {"code": w.item.code},
    # reuse: impact reports
    "impact:factor_edit": lambda w: {"category_pk": w.category.pk},
    "impact:factor_reset": lambda w: {"category_pk": w.category.pk},
    # reuse: furnishing plans
    **{f"relocation:{name}": lambda w: {"pk": w.plan.pk} for name in (
        "plan_detail", "plan_edit", "plan_status", "plan_figures", "plan_match", "line_list", "offer_list",
        "need_import", "need_import_confirm", "need_import_errors", "need_import_template", "move_lists", "move_list_download", "delivery")},
    "relocation:room_needs": lambda w: {"pk": w.plan.pk, "room_pk": w.room.pk},
    "relocation:room_copy": lambda w: {"pk": w.plan.pk, "room_pk": w.room.pk},
    "relocation:need_edit": lambda w: {"pk": w.plan.pk, "need_pk": w.need.pk},
    "relocation:need_delete": lambda w: {"pk": w.plan.pk, "need_pk": w.need.pk},
    "relocation:line_override": lambda w: {"pk": w.plan.pk, "line_pk": w.line.pk},
    "relocation:deliver_used": lambda w: {"pk": w.plan.pk, "line_pk": w.line.pk},
    "relocation:offer_edit": lambda w: {"pk": w.plan.pk, "offer_pk": w.offer.pk},
    # reuse marketplace
    "market:listing_detail": lambda w: {"pk": w.listing.pk},
    "market:listing_edit": lambda w: {"pk": w.listing.pk},
    "market:listing_withdraw": lambda w: {"pk": w.listing.pk},
    "market:listing_give_away": lambda w: {"pk": w.listing.pk},
    "market:order_create": lambda w: {"pk": w.listing.pk},
    "market:order_detail": lambda w: {"pk": w.order.pk},
    "market:order_status": lambda w: {"pk": w.order.pk},
    "market:order_message": lambda w: {"pk": w.order.pk},
    "market:order_receive": lambda w: {"pk": w.order.pk},
    "market:saved_search_delete": lambda w: {"pk": w.saved_search.pk},
    # tenant A's listing seen from a partner municipality: tenant B is no partner, so it must get 404
    "market:partner_detail": lambda w: {"code": w.listing.code},
    "market:partner_order_create": lambda w: {"code": w.listing.code},
    "market:partner_photo": lambda w: {"code": w.listing.code, "n": 1},
    # booking
    "booking:resource_week": lambda w: {"pk": w.resource.pk},
    "booking:rules_edit": lambda w: {"pk": w.resource.pk},
    "booking:booking_create": lambda w: {"pk": w.resource.pk},
    "booking:series_create": lambda w: {"pk": w.resource.pk},
    "booking:booking_detail": lambda w: {"pk": w.booking.pk},
    "booking:booking_move": lambda w: {"pk": w.booking.pk},
    "booking:booking_cancel": lambda w: {"pk": w.booking.pk},
    "booking:booking_check_in": lambda w: {"pk": w.booking.pk},
    "booking:booking_approve": lambda w: {"pk": w.booking.pk},
    "booking:series_cancel_from": lambda w: {"pk": w.booking.pk},
    "booking:booking_reject": lambda w: {"pk": w.booking.pk},
    "booking:access_code": lambda w: {"pk": w.booking.pk},
    "booking:booking_ics": lambda w: {"pk": w.booking.pk},
    "booking:meraapent_agreement": lambda w: {"building_pk": w.building.pk},
    "booking:access_log": lambda w: {"building_pk": w.building.pk},
    "booking:opening_calendar": lambda w: {"building_pk": w.building.pk},
    "booking:building_week": lambda w: {"building_pk": w.building.pk},
    "booking:building_rules": lambda w: {"building_pk": w.building.pk},
    "booking:doors": lambda w: {"building_pk": w.building.pk},
    "booking:resource_photos": lambda w: {"pk": w.resource.pk},
    "booking:resource_archive": lambda w: {"pk": w.resource.pk},
    # participation
    **{f"participation:{name}": lambda w: {"pk": w.process.pk} for name in (
        "process_detail", "process_edit", "process_status", "phase_create", "target_group_create", "activity_create")},
    "participation:phase_edit": lambda w: {"pk": w.phase.pk},
    "participation:phase_delete": lambda w: {"pk": w.phase.pk},
    "participation:target_group_edit": lambda w: {"pk": w.target_group.pk},
    "participation:target_group_delete": lambda w: {"pk": w.target_group.pk},
    "participation:activity_edit": lambda w: {"pk": w.activity.pk},
    "participation:activity_status": lambda w: {"pk": w.activity.pk},
    "participation:moderation": lambda w: {"pk": w.process.pk},
    "participation:invites": lambda w: {"pk": w.process.pk},
    "participation:invites_csv": lambda w: {"pk": w.process.pk},
    "participation:input_status": lambda w: {"pk": w.input.pk},
    "participation:input_reviewed": lambda w: {"pk": w.input.pk},
    "api:list_inputs": lambda w: {"pk": w.process.pk},
    "api:list_surveys": lambda w: {"pk": w.process.pk},
    "api:survey_results": lambda w: {"pk": w.survey.pk},
    "participation:survey_create": lambda w: {"pk": w.process.pk},
    **{f"participation:{name}": lambda w: {"pk": w.survey.pk} for name in (
        "survey_detail", "survey_status", "survey_preview", "survey_results")},
    "participation:question_delete": lambda w: {"pk": w.question.pk},
    "api:set_input_status": lambda w: {"pk": w.input.pk},
    **{f"api:{name}": lambda w: {"pk": w.process.pk} for name in (
        "get_process", "update_process", "process_transitions", "set_process_status", "list_activities",
        "create_activity")},
    # estate
    **{f"estate:{name}": lambda w: {"pk": w.building.pk} for name in ("building", "survey_create")},
    **{f"estate:{name}": lambda w: {"pk": w.estate_survey.pk} for name in (
        "survey", "survey_edit", "survey_status", "survey_correct", "part_create")},
    "estate:part_edit": lambda w: {"pk": w.estate_part.pk},
    "estate:part_delete": lambda w: {"pk": w.estate_part.pk},
    "estate:photo_delete": lambda w: {"pk": w.estate_photo.pk},
    **{f"api:{name}": lambda w: {"pk": w.estate_survey.pk} for name in (
        "get_condition_survey", "update_condition_survey", "set_condition_survey_status", "correct_condition_survey",
        "add_survey_part")},
    "api:update_survey_part": lambda w: {"pk": w.estate_part.pk},
    "api:delete_survey_part": lambda w: {"pk": w.estate_part.pk},
    "api:delete_survey_part_photo": lambda w: {"pk": w.estate_photo.pk},
    "api:building_condition": lambda w: {"pk": w.building.pk},
    "estate:measure_create": lambda w: {"pk": w.building.pk},
    **{f"estate:{name}": lambda w: {"pk": w.estate_measure.pk} for name in (
        "measure", "measure_edit", "measure_status")},
    **{f"api:{name}": lambda w: {"pk": w.estate_measure.pk} for name in (
        "get_measure", "update_measure", "set_measure_status")},
    **{f"estate:{name}": lambda w: {"pk": w.building.pk} for name in (
        "building_energy", "meter_create", "label_create")},
    **{f"estate:{name}": lambda w: {"pk": w.estate_meter.pk} for name in ("meter", "meter_edit")},
    **{f"api:{name}": lambda w: {"pk": w.estate_meter.pk} for name in (
        "get_energy_meter", "update_energy_meter", "list_meter_readings", "set_meter_reading")},
    **{f"api:{name}": lambda w: {"pk": w.building.pk} for name in (
        "add_energy_label", "building_energy", "building_operating_costs")},
    # REST API
    "api:get_property": lambda w: {"pk": w.property.pk},
    "api:update_property": lambda w: {"pk": w.property.pk},
    "api:get_building": lambda w: {"pk": w.building.pk},
    "api:update_building": lambda w: {"pk": w.building.pk},
    "api:get_floor": lambda w: {"pk": w.floor.pk},
    "api:update_floor": lambda w: {"pk": w.floor.pk},
    "api:get_room": lambda w: {"pk": w.room.pk},
    "api:update_room": lambda w: {"pk": w.room.pk},
    "api:get_product": lambda w: {"pk": w.product.pk},
    "api:update_product": lambda w: {"pk": w.product.pk},
    "api:get_item": lambda w: {"pk": w.item.pk},
    "api:update_item": lambda w: {"pk": w.item.pk},
    "api:get_item_by_code": lambda w: {"code": w.item.code},
    "api:resource_busy": lambda w: {"pk": w.resource.pk},
    "api:resource_free": lambda w: {"pk": w.resource.pk},
    "api:cancel_booking": lambda w: {"pk": w.booking.pk},
    "api:get_booking": lambda w: {"pk": w.booking.pk},
    "api:resource_price": lambda w: {"pk": w.resource.pk},
    "api:delete_price": lambda w: {"pk": w.price_rule.pk},
    "api:mark_no_show": lambda w: {"pk": w.booking.pk},
    "booking:booking_no_show": lambda w: {"pk": w.booking.pk},
    "booking:price_delete": lambda w: {"pk": w.price_rule.pk},
    "api:approve_booking": lambda w: {"pk": w.booking.pk},
    "api:reject_booking": lambda w: {"pk": w.booking.pk},
    # marketplace, furnishing plans (API)
    "api:get_listing": lambda w: {"pk": w.listing.pk},
    "api:withdraw_listing": lambda w: {"pk": w.listing.pk},
    "api:create_order": lambda w: {"pk": w.listing.pk},
    "api:get_order": lambda w: {"pk": w.order.pk},
    "api:apply_transition": lambda w: {"pk": w.order.pk},
    "api:receive_order": lambda w: {"pk": w.order.pk},
    "api:delete_saved_search": lambda w: {"pk": w.saved_search.pk},
    "api:get_plan": lambda w: {"pk": w.plan.pk},
    "api:update_plan": lambda w: {"pk": w.plan.pk},
    "api:change_plan_status": lambda w: {"pk": w.plan.pk},
    "api:run_matching": lambda w: {"pk": w.plan.pk},
    "api:list_needs": lambda w: {"pk": w.plan.pk},
    "api:create_need": lambda w: {"pk": w.plan.pk},
    "api:update_need": lambda w: {"pk": w.plan.pk, "need_pk": w.need.pk},
    "api:delete_need": lambda w: {"pk": w.plan.pk, "need_pk": w.need.pk},
    "api:list_lines": lambda w: {"pk": w.plan.pk},
    "api:override_line": lambda w: {"pk": w.plan.pk, "line_pk": w.line.pk},
    "api:unlock_line": lambda w: {"pk": w.plan.pk, "line_pk": w.line.pk},
    "api:move_lists": lambda w: {"pk": w.plan.pk},
    "api:move_list": lambda w: {"pk": w.plan.pk},
    # participation: analysis, feedback, decisions, channels
    **{f"participation:{name}": lambda w: {"pk": w.process.pk} for name in (
        "analysis", "coding", "decision_create", "feedback", "meeting_import", "meeting_import_confirm",
        "meeting_import_errors", "meeting_import_template", "meeting_input", "news_create", "plan_list", "report_pdf",
        "report_xlsx", "representation", "theme_create")},
    "participation:activity_photos": lambda w: {"pk": w.activity.pk},
    "participation:decision_edit": lambda w: {"pk": w.p_decision.pk},
    "participation:decision_delete": lambda w: {"pk": w.p_decision.pk},
    "participation:input_response": lambda w: {"pk": w.input.pk},
    "participation:plan_detail": lambda w: {"pk": w.floor_plan.pk},
    "participation:response_delete": lambda w: {"pk": w.response.pk},
    **{f"participation:{name}": lambda w: {"pk": w.theme.pk} for name in (
        "theme_edit", "theme_delete", "theme_response")},
    **{f"api:{name}": lambda w: {"pk": w.process.pk} for name in (
        "analysis_counts", "list_decisions", "list_responses", "list_themes", "representation", "theme_suggestions",
        "create_decision", "create_theme", "record_meeting_inputs", "upload_plan")},
    **{f"api:{name}": lambda w: {"pk": w.theme.pk} for name in (
        "code_inputs", "delete_theme", "set_theme_response", "update_theme")},
    "api:update_decision": lambda w: {"pk": w.p_decision.pk},
    "api:delete_decision": lambda w: {"pk": w.p_decision.pk},
    "api:delete_response": lambda w: {"pk": w.response.pk},
    "api:set_input_response": lambda w: {"pk": w.input.pk},
    "api:list_activity_photos": lambda w: {"pk": w.activity.pk},
    "api:upload_activity_photo": lambda w: {"pk": w.activity.pk},
    "api/v1/participation/processes/<int:pk>/plans": lambda w: {"pk": w.process.pk},  # api:list_plans of reuse
    # projects
    **{f"projects:{name}": lambda w: {"pk": w.project.pk} for name in (
        "project_detail", "project_edit", "project_status", "benefit_create", "dependency_add", "milestone_create",
        "risk_create", "status_report_create", "status_report_list")},
    "projects:project_export": lambda w: {"pk": w.project.pk, "kind": "status-reports"},
    "projects:document_edit": lambda w: {"pk": w.project.pk, "kind": "mandate"},
    **{f"projects:{name}": lambda w: {"pk": w.decision.pk} for name in (
        "decision_detail", "decision_participation", "decision_status")},
    **{f"projects:{name}": lambda w: {"pk": w.decision_item.pk} for name in ("item_meet", "item_reopen", "item_waive")},
    "projects:dependency_remove": lambda w: {"pk": w.dependency.pk},
    "projects:document_detail": lambda w: {"pk": w.document.pk},
    "projects:document_pdf": lambda w: {"pk": w.document.pk},
    "projects:measurement_add": lambda w: {"pk": w.benefit.pk},
    "projects:milestone_edit": lambda w: {"pk": w.milestone.pk},
    "projects:milestone_delete": lambda w: {"pk": w.milestone.pk},
    "projects:risk_edit": lambda w: {"pk": w.risk.pk},
    "projects:model_detail": lambda w: {"pk": w.model.pk},
    "projects:model_copy": lambda w: {"pk": w.model.pk},
    "projects:phase_edit": lambda w: {"pk": w.model_phase.pk},
    "projects:gate_edit": lambda w: {"pk": w.gate.pk},
    "projects:gate_item_add": lambda w: {"pk": w.gate.pk},
    "projects:gate_item_remove": lambda w: {"pk": w.gate_item.pk},
    **{f"api:{name}": lambda w: {"pk": w.project.pk} for name in (
        "get_project", "update_project", "list_actuals", "list_benefits", "create_benefit", "list_dependencies",
        "add_dependency", "list_documents", "list_project_milestones", "create_milestone", "list_report_reminders",
        "list_risks", "create_risk", "list_status_reports", "submit_status_report")},
    "api:save_document": lambda w: {"pk": w.project.pk, "kind": "mandate"},
    "api/v1/projects/projects/<int:pk>/decisions": lambda w: {"pk": w.project.pk},  # api:list_decisions
    **{f"api:{name}": lambda w: {"pk": w.decision.pk} for name in ("get_decision", "decide",
                                                                   "link_participation_decision")},
    "api:unlink_participation_decision": lambda w: {"pk": w.decision.pk, "other": w.p_decision.pk},
    "api:meet_item": lambda w: {"pk": w.decision_item.pk},
    "api:waive_item": lambda w: {"pk": w.decision_item.pk},
    "api:record_measurement": lambda w: {"pk": w.benefit.pk},
    "api:update_milestone": lambda w: {"pk": w.milestone.pk},
    "api:delete_milestone": lambda w: {"pk": w.milestone.pk},
    "api:update_risk": lambda w: {"pk": w.risk.pk},
    "api:get_model": lambda w: {"pk": w.model.pk},
    "api:copy_model": lambda w: {"pk": w.model.pk},
    "api:update_phase": lambda w: {"pk": w.model_phase.pk},
    "api:update_gate": lambda w: {"pk": w.gate.pk},
    "api:add_gate_item": lambda w: {"pk": w.gate.pk},
    "api:remove_gate_item": lambda w: {"pk": w.gate_item.pk},
    # booking: allocation rounds
    **{f"booking_allocation:{name}": lambda w: {"pk": w.round.pk} for name in (
        "round_detail", "round_edit", "round_propose", "round_transition", "ladder_edit")},
    "booking_allocation:application_create": lambda w: {"pk": w.open_round.pk},
    "booking_allocation:application_detail": lambda w: {"pk": w.application.pk},
    "booking_allocation:application_withdraw": lambda w: {"pk": w.application.pk},
    **{f"booking_allocation:{name}": lambda w: {"pk": w.allocation_decision.pk} for name in (
        "complaint_create", "decision_adjust", "frame_pass_on", "frame_release")},
    "booking_allocation:complaint_answer": lambda w: {"pk": w.complaint.pk},
    "booking:booking_restore": lambda w: {"pk": w.booking.pk},
    "api:restore_booking": lambda w: {"pk": w.booking.pk},
    **{f"api:{name}": lambda w: {"pk": w.round.pk} for name in (
        "get_round", "round_transition", "round_applications", "proposal", "round_decisions", "round_complaints")},
    "api:apply": lambda w: {"pk": w.open_round.pk},
    "api:get_application": lambda w: {"pk": w.application.pk},
    "api:withdraw_application": lambda w: {"pk": w.application.pk},
    **{f"api:{name}": lambda w: {"pk": w.allocation_decision.pk} for name in (
        "adjust_decision", "file_complaint", "pass_on", "release")},
    "api:complaint_transition": lambda w: {"pk": w.complaint.pk},
}

# Query strings some endpoints need to get past input validation.
QUERY = {
    "relocation:move_list_download": lambda w: {"room": w.room.pk, "format": "pdf"},
    "api:resource_busy": lambda w: {"start": w.start.isoformat(), "end": w.end.isoformat()},
    "api:resource_free": lambda w: {"start": w.start.isoformat(), "end": w.end.isoformat()},
    "api:resource_price": lambda w: {"start": w.start.isoformat(), "end": w.end.isoformat()},
    "api:invoicing_basis": lambda w: {"from_date": w.start.date().isoformat(), "to_date": w.end.date().isoformat()},
    "api:move_list": lambda w: {"to_room_id": w.room.pk},
}

# JSON bodies of API writes. Ids in them are tenant A's, so tenant B must get 404 for these too.
API_BODY = {
    "api:create_property": lambda w: {"gnr": 77, "bnr": 7},
    "api:update_property": lambda w: {"name": "Overtatt"},
    "api:create_building": lambda w: {"property_id": w.property.pk, "name": "Nytt bygg"},
    "api:update_building": lambda w: {"name": "Overtatt"},
    "api:create_floor": lambda w: {"building_id": w.building.pk, "level": 7},
    "api:update_floor": lambda w: {"name": "Overtatt"},
    "api:create_room": lambda w: {"floor_id": w.floor.pk, "number": "7.77"},
    "api:update_room": lambda w: {"name": "Overtatt"},
    "api:create_product": lambda w: {"category_id": w.category.pk, "manufacturer": "X"},
    "api:update_product": lambda w: {"manufacturer": "Overtatt"},
    "api:create_items": lambda w: {"product_id": w.product.pk, "building_id": w.building.pk},
    "api:update_item": lambda w: {"damage_description": "Overtatt"},
    "api:change_status": lambda w: {"item_ids": [w.item.pk], "to_status": "available"},
    "api:move": lambda w: {"item_ids": [w.item.pk], "building_id": w.building.pk},
    "api:create_booking": lambda w: {"resource_id": w.resource.pk, "start": w.start2.isoformat(),
                                     "end": w.end2.isoformat()},
    "api:cancel_booking": lambda w: {},
    "api:approve_booking": lambda w: {},
    "api:reject_booking": lambda w: {"reason": "Opptatt"},
    "api:create_price": lambda w: {"resource_id": w.resource.pk, "category": "citizen", "amount": 1},
    "api:delete_price": lambda w: {},
    "api:mark_no_show": lambda w: {},
    "api:create_process": lambda w: {"title": "Overtatt", "purpose": "X", "building_ids": [w.building.pk]},
    "api:update_process": lambda w: {"title": "Overtatt"},
    "api:set_process_status": lambda w: {"status": "published"},
    "api:set_input_status": lambda w: {"status": "published"},
    "api:create_activity": lambda w: {"kind": "workshop", "title": "Overtatt", "starts_at": w.start2.isoformat()},
    "api:create_listing": lambda w: {"item_ids": [w.item.pk]},
    "api:withdraw_listing": lambda w: {},
    "api:create_order": lambda w: {"delivery_room_id": w.room.pk, "to_unit_id": w.unit.pk},
    "api:apply_transition": lambda w: {"to_status": "cancelled"},
    "api:receive_order": lambda w: {"code": w.item.code},
    "api:create_saved_search": lambda w: {"query": "stol", "category_id": w.category.pk},
    "api:create_plan": lambda w: {"name": "Overtatt", "building_id": w.building.pk},
    "api:update_plan": lambda w: {"name": "Overtatt"},
    "api:change_plan_status": lambda w: {"to_status": "active"},
    "api:create_need": lambda w: {"room_id": w.room.pk, "category_id": w.category.pk},
    "api:update_need": lambda w: {"note": "Overtatt"},
    "api:override_line": lambda w: {"source": "new"},
    "api:delete_saved_search": lambda w: {},
    "api:run_matching": lambda w: {},
    "api:delete_need": lambda w: {},
    "api:unlock_line": lambda w: {},
    "api:create_condition_survey": lambda w: {"building_id": w.building.pk, "surveyed_on": "2026-01-05",
                                              "surveyor": "Overtatt"},
    "api:update_condition_survey": lambda w: {"surveyor": "Overtatt"},
    "api:set_condition_survey_status": lambda w: {"status": "approved"},
    "api:correct_condition_survey": lambda w: {},
    "api:add_survey_part": lambda w: {"ns_code": "23", "condition_grade": 2},
    "api:update_survey_part": lambda w: {"description": "Overtatt"},
    "api:delete_survey_part": lambda w: {},
    "api:delete_survey_part_photo": lambda w: {},
    "api:create_measure": lambda w: {"building_id": w.building.pk, "description": "Overtatt", "cost": 1},
    "api:update_measure": lambda w: {"description": "Overtatt"},
    "api:set_measure_status": lambda w: {"status": "rejected", "reason": "Overtatt"},
    "api:set_budget": lambda w: {"year": 2027, "amount": 1},
    "api:create_energy_meter": lambda w: {"building_id": w.building.pk, "number": "EL-9", "carrier": "electricity"},
    "api:update_energy_meter": lambda w: {"description": "Overtatt"},
    "api:set_meter_reading": lambda w: {"month": "2025-01-01", "kwh": "1"},
    "api:set_degree_days": lambda w: {"month": "2025-01-01", "degree_days": "500", "normal": "560"},
    "api:set_energy_target": lambda w: {"base_year": 2024},
    "api:add_energy_label": lambda w: {"grade": "C", "issued_on": "2025-01-10"},
    # participation: analysis, feedback, decisions, channels
    "api:create_decision": lambda w: {"title": "Overtatt", "decided_on": "2026-11-02", "body": "X"},
    "api:update_decision": lambda w: {"title": "Overtatt"},
    "api:delete_decision": lambda w: {},
    "api:create_theme": lambda w: {"name": "Overtatt"},
    "api:update_theme": lambda w: {"name": "Overtatt"},
    "api:delete_theme": lambda w: {},
    "api:code_inputs": lambda w: {"input_ids": [w.input.pk]},
    "api:set_theme_response": lambda w: {"outcome": "not_taken", "text": "Overtatt"},
    "api:set_input_response": lambda w: {"outcome": "not_taken", "text": "Overtatt"},
    "api:delete_response": lambda w: {},
    "api:record_meeting_inputs": lambda w: {"activity_id": w.activity.pk, "rows": [{"text": "Overtatt"}]},
    # projects
    "api:update_project": lambda w: {"name": "Overtatt"},
    "api:save_document": lambda w: {"sections": {"background": "Overtatt"}},
    "api:decide": lambda w: {"status": "submitted"},
    "api:meet_item": lambda w: {"evidence": "Overtatt"},
    "api:waive_item": lambda w: {"reason": "Overtatt"},
    "api:link_participation_decision": lambda w: {"participation_decision_id": w.p_decision.pk},
    "api:unlink_participation_decision": lambda w: {},
    "api:submit_status_report": lambda w: {"period": "2026-02-01", "overall": "red", "schedule": "red", "cost": "red",
                                           "scope": "red", "risk": "red", "benefits": "red"},
    "api:create_risk": lambda w: {"title": "Overtatt", "probability": 1, "consequence": 1},
    "api:update_risk": lambda w: {"title": "Overtatt"},
    "api:add_dependency": lambda w: {"depends_on_id": w.other_project.pk},
    "api:create_benefit": lambda w: {"title": "Overtatt", "indicator": "X", "baseline": 1, "target": 2,
                                     "owner_id": w.admin.pk},
    "api:record_measurement": lambda w: {"measured_on": "2026-02-10", "value": 1},
    "api:create_milestone": lambda w: {"title": "Overtatt", "due_on": "2027-02-01"},
    "api:update_milestone": lambda w: {"title": "Overtatt"},
    "api:delete_milestone": lambda w: {},
    "api:copy_model": lambda w: {"name": "Overtatt"},
    "api:update_phase": lambda w: {"name": "Overtatt"},
    "api:update_gate": lambda w: {"name": "Overtatt"},
    "api:add_gate_item": lambda w: {"kind": "approval", "text": "Overtatt"},
    "api:remove_gate_item": lambda w: {},
    # booking: allocation rounds
    "api:restore_booking": lambda w: {},
    "api:round_transition": lambda w: {"to": "closed"},
    "api:apply": lambda w: {"organisation_id": w.organisation.pk, "activity": "Overtatt", "group_size": 1,
                            "age_group": "children", "sessions_per_week": 1, "minutes": 60,
                            "resource_ids": [w.resource.pk],
                            "windows": [{"weekday": 1, "starts": "17:00", "ends": "19:00"}]},
    "api:withdraw_application": lambda w: {},
    "api:proposal": lambda w: {"dry_run": True},
    "api:adjust_decision": lambda w: {"granted": False, "reason": "Overtatt"},
    "api:file_complaint": lambda w: {"text": "Overtatt"},
    "api:complaint_transition": lambda w: {"to": "dismissed", "reason": "Overtatt"},
    "api:pass_on": lambda w: {"club_id": w.organisation.pk},
    "api:release": lambda w: {},
    "api:create_round": lambda w: {"name": "Overtatt", "season_start": "2027-01-04", "season_end": "2027-01-31",
                                   "application_deadline": "2026-12-31", "resource_ids": [w.resource.pk]},
    "api:create_project": lambda w: {"name": "Overtatt", "model_id": w.model.pk, "owner_id": w.admin.pk,
                                     "manager_id": w.admin.pk},
    "api:import_actuals": lambda w: {"rows": [{"project_number": w.project.number, "period": "2026-01",
                                               "amount": "1"}]},
    "api:booking_summary": lambda w: {"resource_id": w.resource.pk, "start": w.start2.isoformat(),
                                      "end": w.end2.isoformat()},
}
# Multipart bodies of API uploads (form fields and files), sent instead of a JSON body.
API_MULTIPART = {
    "api:upload_plan": lambda w: {"image": _jpeg(), "title": "Overtatt", "description": "Overtatt"},
    "api:upload_activity_photo": lambda w: {"photo": _jpeg(), "alt": "Overtatt"},
}
# API writes without a path id whose body carries tenant A's ids (tenant B must get 404).
BODY_CARRIES_IDS = {"api:create_building", "api:create_floor", "api:create_room", "api:create_product",
                    "api:create_items", "api:change_status", "api:move", "api:create_booking", "api:create_price", "api:create_process",
                    "api:create_listing", "api:create_saved_search", "api:create_plan",
                    "api:create_condition_survey", "api:create_measure", "api:create_energy_meter",
                    "api:create_round", "api:create_project", "api:booking_summary"}


# --- Walking the resolver ---------------------------------------------------------------------
class Url(SimpleNamespace):
    """One URL pattern: key (namespace:name, or the route when unnamed), route, name, methods."""


def _ninja_methods(pattern):
    """The HTTP methods of the django-ninja operation behind `pattern` (None for other views)."""
    callback = pattern.callback
    for cell in getattr(callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        if hasattr(path_view, "operations"):
            for op in path_view.operations:
                if op.view_func.__name__ == pattern.name:
                    return list(op.methods)
            return list(path_view.operations[0].methods)
    return None


def all_urls():
    urls = []

    def walk(resolver, prefix, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                full_name = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else None
                urls.append(Url(key=full_name or route, route=route, name=full_name,
                                params=bool(re.search(r"<[^>]+>|\(\?P<", route)),
                                api=route.startswith("api/v1/"), admin=route.startswith("django-admin/"),
                                ninja_methods=_ninja_methods(p)))

    walk(get_resolver(), "", "")
    # django-ninja registers one pattern per operation on a shared path: keep them all (their
    # methods differ) but drop exact duplicates. Two operations of different routers may share a
    # name (api:list_decisions of participation and of projects), and reverse() reaches only one of
    # them: such URLs are built from their route, and all but the first are keyed by it.
    seen, unique = set(), []
    for u in urls:
        if (u.key, u.route) not in seen:
            seen.add((u.key, u.route))
            unique.append(u)
    routes = collections.Counter(u.key for u in unique)
    keyed = set()
    for u in unique:
        if routes[u.key] > 1:
            u.name = None
            if u.key in keyed:
                u.key = u.route
            keyed.add(u.key)
    return unique


def checked_urls():
    return [u for u in all_urls() if u.key not in PUBLIC and not u.admin]


# Made-up values for the path parameters of a URL not (yet) in PARAMS.
DUMMY = {"int": 2_000_000_000, "str": "ZZZZZZZZZZZZ", "path": "nothing/here", "slug": "nothing", None: "ZZZZZZZZZZZZ"}


def _dummy_kwargs(url):
    found = re.findall(r"<(?:(\w+):)?(\w+)>", url.route)
    return {name: DUMMY.get(conv or None, DUMMY[None]) for conv, name in found}


def path_of(url, world):
    kwargs = PARAMS[url.key](world) if url.key in PARAMS else _dummy_kwargs(url)
    if url.name:
        path = reverse(url.name, kwargs=kwargs)
    else:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), url.route)
    if url.key in QUERY:
        from urllib.parse import urlencode

        path += "?" + urlencode(QUERY[url.key](world))
    return path


def login_path():
    return resolve_url(settings.LOGIN_URL)  # not at import: the URLconf is loaded by the first test


def request(client, url, world, headers=None):
    """Send the request that reaches the view: the API operation's method with its JSON body; for
    web pages GET, or POST when the page accepts POST only."""
    path = path_of(url, world)
    headers = headers or {}
    if url.api:
        method = url.ninja_methods[0].lower()
        if url.key in API_MULTIPART:
            return getattr(client, method)(path, data=API_MULTIPART[url.key](world), headers=headers)
        body = API_BODY[url.key](world) if url.key in API_BODY else None
        if method == "get":
            return client.get(path, headers=headers)
        return getattr(client, method)(path, data=body or {}, content_type="application/json", headers=headers)
    response = client.get(path, headers=headers)
    if response.status_code == 405:
        response = client.post(path, headers=headers)
    return response


def describe(url, response):
    where = response.get("Location", "")
    return f"{url.key} ({url.route}) → {response.status_code}{' ' + where if where else ''}"


# --- Objects of tenant A (and the users and tokens of both tenants) ---------------------------
def _next_weekday_at(days, hour):
    from zoneinfo import ZoneInfo

    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday + dt.timedelta(days=days), dt.time(hour), ZoneInfo("Europe/Oslo"))


def _jpeg():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 20, 20)).save(buf, "JPEG")
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(tenant, other_tenant, admin_user, other_admin, citizen, building, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "world-media"  # the photos below; tests may set their own
    from torg.accounts import services as accounts
    from torg.booking import services as booking
    from torg.places.models import Floor, Room
    from torg.reuse import services as reuse
    from torg.reuse.models import Category

    w = SimpleNamespace(tenant=tenant, admin=admin_user, other_admin=other_admin, citizen=citizen)
    w.building = building
    w.property = building.property
    w.floor = Floor.objects.filter(building=building).order_by("level").first()
    w.room = Room.objects.filter(building=building).order_by("number").first()
    w.unit = accounts.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Oppvekst")
    w.membership = citizen.memberships.get(tenant=tenant)
    w.organisation = accounts.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673",
                                                           name="Testvik IL")
    w.token, w.admin_secret = accounts.api_token_create(actor=admin_user, tenant=tenant, name="admin")
    _t, w.citizen_secret = accounts.api_token_create(actor=citizen, tenant=tenant, name="citizen")
    _t, w.other_secret = accounts.api_token_create(actor=other_admin, tenant=other_tenant, name="other")
    w.category = Category.objects.get(tenant=tenant, key="task_chair")
    w.product = reuse.product_create(actor=admin_user, tenant=tenant, category=w.category, manufacturer="HÅG",
                                     model_name="Capisco")
    w.item = reuse.item_register(actor=admin_user, tenant=tenant, product=w.product, room=w.room)[0]
    w.item_photo = reuse.item_add_photo(actor=admin_user, item=w.item, upload=_jpeg())
    w.product_photo = reuse.product_add_photo(actor=admin_user, product=w.product, upload=_jpeg())
    from torg.reuse.market import services as market

    market_item = reuse.item_register(actor=admin_user, tenant=tenant, product=w.product, room=w.room, count=2)
    w.listing = market.listing_create(actor=admin_user, tenant=tenant, items=market_item)
    w.order = market.order_create(actor=admin_user, tenant=tenant, listing=w.listing, quantity=1,
                                  delivery_room=w.room, to_unit=w.unit)
    w.saved_search = market.saved_search_create(actor=admin_user, tenant=tenant, name="Stoler", query="stol")
    w.import_job = reuse.import_job_create(actor=admin_user, tenant=tenant, file_name="inventar.csv",
                                           data=b"building;category\n1001;desk\n")
    w.resource = booking.resource_create(actor=admin_user, tenant=tenant, name="Møterom", building=building,
                                         room=w.room)
    w.start, w.end = _next_weekday_at(1, 10), _next_weekday_at(1, 11)
    w.start2, w.end2 = _next_weekday_at(2, 10), _next_weekday_at(2, 11)
    w.booking = booking.booking_create(actor=admin_user, tenant=tenant, resource=w.resource, start=w.start,
                                       end=w.end)
    w.price_rule = booking.price_rule_create(actor=admin_user, tenant=tenant, resource=w.resource,
                                             category="citizen", amount=100)
    from torg.reuse.relocation import services as relocation

    w.plan = relocation.plan_create(actor=admin_user, tenant=tenant, name="Innflytting", building=building)
    w.need = relocation.need_create(actor=admin_user, plan=w.plan, room=w.room, category=w.category, quantity=1)
    w.line = w.need.lines.get()
    from torg.participation import services as participation

    w.process = participation.process_create(actor=admin_user, tenant=tenant, title="Medvirkning", purpose="X",
                                             buildings=[building])
    w.phase = participation.phase_create(actor=admin_user, process=w.process, name="Innspill",
                                         starts_on=w.start.date(), ends_on=w.end2.date())
    w.target_group = participation.target_group_create(actor=admin_user, process=w.process, kind="neighbours")
    w.activity = participation.activity_create(actor=admin_user, process=w.process, kind="workshop",
                                               title="Verksted", starts_at=w.start, room=w.room)
    participation.process_set_status(actor=admin_user, process=w.process, status="open")
    w.process.refresh_from_db()
    w.input = participation.input_submit(process=w.process, participant="b:x", title="Idé", body="Tekst")
    w.survey = participation.survey_create(actor=admin_user, process=w.process, title="Undersøkelse")
    w.question = participation.question_add(actor=admin_user, survey=w.survey, kind="text", text="Hva mener du?")
    from torg.estate import services as estate
    from torg.estate.models import SurveyPartPhoto

    w.estate_survey = estate.survey_create(actor=admin_user, tenant=tenant, building=building,
                                           surveyed_on=dt.date(2026, 1, 5), surveyor="Takst AS")
    w.estate_part = estate.part_add(actor=admin_user, survey=w.estate_survey, ns_code="26", condition_grade=3)
    w.estate_measure = estate.measure_create(actor=admin_user, tenant=tenant, building=building, description="Tak",
                                             cost=1000)
    w.estate_photo = SurveyPartPhoto.objects.create(tenant=tenant, part=w.estate_part, image="estate/x/parts/a.jpg")
    w.estate_meter = estate.meter_create(actor=admin_user, tenant=tenant, building=building, number="EL-1",
                                         carrier="electricity")
    w.offer = relocation.offer_create(actor=admin_user, plan=w.plan, supplier=w.organisation, category=w.category,
                                      quantity=1, unit_price_nok=100)
    _participation_analysis(w)
    _projects(w)
    _allocation(w)
    return w


def _participation_analysis(w):
    from torg.participation import analysis_services as analysis
    from torg.participation import intake, plans

    w.theme = analysis.theme_create(actor=w.admin, process=w.process, name="Trafikk")
    w.p_decision = analysis.decision_create(actor=w.admin, process=w.process, title="Vedtak",
                                            decided_on=dt.date(2026, 11, 1), body="Formannskapet")
    w.response = analysis.response_set(actor=w.admin, theme=w.theme, outcome="taken", text="Tatt med",
                                       decision=w.p_decision)
    w.floor_plan = plans.plan_create(actor=w.admin, process=w.process, title="Plan", description="Skolegården",
                                     upload=_jpeg())
    w.activity_photo = intake.activity_photo_add(actor=w.admin, activity=w.activity, upload=_jpeg(), alt="Tavle")


def _projects(w):
    from torg.projects import services as projects
    from torg.projects.models import ProjectModel

    model = ProjectModel.objects.get(tenant=w.tenant, key="byggeprosjekt")
    w.project = projects.project_create(actor=w.admin, tenant=w.tenant, name="Ny skole", model=model, owner=w.admin,
                                        manager=w.admin, buildings=[w.building], processes=[w.process])
    w.other_project = projects.project_create(actor=w.admin, tenant=w.tenant, name="Ny hall", model=model,
                                              owner=w.admin, manager=w.admin)
    w.document = projects.document_save(actor=w.admin, project=w.project, kind="mandate",
                                        sections={"background": "Behovet er dokumentert."})
    w.decision = w.project.decisions.order_by("gate__phase__position").first()
    w.decision_item = w.decision.items.filter(gate_item__document_kind="").first()
    projects.decision_link_participation(actor=w.admin, decision=w.decision, participation_decision=w.p_decision)
    lights = dict(overall="green", schedule="green", cost="green", scope="green", risk="green", benefits="green")
    w.status_report = projects.status_report_submit(actor=w.admin, project=w.project, period=dt.date(2026, 1, 1),
                                                    **lights)
    w.risk = projects.risk_create(actor=w.admin, project=w.project, title="Prisvekst", probability=2, consequence=3)
    w.dependency = projects.dependency_add(actor=w.admin, project=w.project, depends_on=w.other_project)
    w.benefit = projects.benefit_create(actor=w.admin, project=w.project, title="Plass", indicator="elevplasser",
                                        baseline=420, target=600, owner=w.admin)
    w.measurement = projects.measurement_record(actor=w.admin, benefit=w.benefit, measured_on=dt.date(2026, 1, 10),
                                                value=450)
    w.milestone = projects.milestone_create(actor=w.admin, project=w.project, title="Anbud", due_on=dt.date(2027, 1, 1))
    w.model = projects.model_copy(actor=w.admin, model=model, name="Egen modell")
    w.model_phase = w.model.phases.order_by("position").first()
    w.gate = w.model.gates.order_by("pk").first()
    w.gate_item = w.gate.items.order_by("position").first()


def _allocation(w):
    from torg.booking.allocation import services as allocation

    today = timezone.localdate()
    start = today + dt.timedelta(days=7 - today.weekday() + 7)
    w.round = allocation.round_create(actor=w.admin, tenant=w.tenant, name="Sesong", season_start=start,
                                      season_end=start + dt.timedelta(weeks=2) - dt.timedelta(days=1),
                                      application_deadline=today + dt.timedelta(days=3),
                                      complaint_deadline=today + dt.timedelta(days=5), resources=[w.resource])
    w.round = allocation.round_transition(actor=w.admin, rnd=w.round, to="application")
    w.application = allocation.application_submit(
        actor=w.admin, tenant=w.tenant, rnd=w.round, organisation=w.organisation, activity="Fotball", group_size=10,
        age_group="children", sessions_per_week=1, minutes=60, choices=[w.resource],
        windows=[{"weekday": 1, "starts": dt.time(17), "ends": dt.time(19), "primary": True}])
    w.round = allocation.round_transition(actor=w.admin, rnd=w.round, to="allocation")
    allocation.proposal(actor=w.admin, rnd=w.round, dry_run=False)
    w.allocation_decision = w.application.decisions.get()
    for to in ("published", "complaints"):
        w.round = allocation.round_transition(actor=w.admin, rnd=w.round, to=to)
    w.complaint = allocation.complaint_file(actor=w.admin, decision=w.allocation_decision, text="Feil hall")
    w.open_round = allocation.round_create(actor=w.admin, tenant=w.tenant, name="Neste sesong", season_start=start,
                                           season_end=start + dt.timedelta(weeks=2) - dt.timedelta(days=1),
                                           application_deadline=today + dt.timedelta(days=3), resources=[w.resource])
    w.open_round = allocation.round_transition(actor=w.admin, rnd=w.open_round, to="application")


def _logged_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


# --- The sweep ----------------------------------------------------------------------------------
def test_every_url_is_classified():
    """A new URL fails here until it is either public by design (PUBLIC, with a reason) or can be
    swept (path parameters declared in PARAMS, API write bodies in API_BODY)."""
    urls = all_urls()
    keys = {u.key for u in urls}
    problems, gaps = [], []
    for u in urls:
        if u.key in PUBLIC or u.admin:
            continue
        if u.params and u.key not in PARAMS:
            gaps.append(f"{u.key} ({u.route}): add its path parameters to PARAMS")
        if u.api and u.ninja_methods and u.ninja_methods[0] != "GET" and u.key not in API_BODY | API_MULTIPART:
            gaps.append(f"{u.key} ({u.route}): add a valid JSON body to API_BODY")
        if u.api and not u.ninja_methods:
            problems.append(f"{u.key} ({u.route}): unknown API view (not a django-ninja operation)")
    if gaps:
        warnings.warn("URLs swept by the anonymous and citizen checks only (not yet by the other-tenant check):\n"
                      + "\n".join(gaps), stacklevel=1)
    stale = sorted({k for k in (*PUBLIC, *PARAMS, *CITIZEN_OK, *API_BODY, *API_MULTIPART, *QUERY, *NOT_FOR_OWNER, *ANONYMOUS_404) if k not in keys} - OPTIONAL)
    if stale:
        warnings.warn("Entries for URLs that no longer exist (remove them): " + ", ".join(stale), stacklevel=1)
    assert not problems, "\n".join(problems)
    # the sweep covers the apps (guards against an empty walk)
    assert {"places:building_detail", "reuse:item_detail", "booking:booking_detail", "api:get_item"} <= keys


def test_anonymous_gets_login_redirect_or_401_everywhere(world):
    client = Client()
    failures = []
    for url in checked_urls():
        response = request(client, url, world)
        if url.api:
            ok = response.status_code in (401, 403)
        elif url.key in ANONYMOUS_404:
            ok = response.status_code == 404
        else:
            ok = response.status_code == 302 and response["Location"].split("?")[0] == login_path()
        if not ok:
            failures.append(describe(url, response))
    assert not failures, "Anonymous requests not sent to login / refused:\n" + "\n".join(failures)


def test_admin_of_another_tenant_gets_404_for_every_object_of_tenant_a(world):
    web = _logged_in(world.other_admin)
    api = Client()
    failures = []
    swept = 0
    for url in checked_urls():
        if url.key not in PARAMS and url.key not in BODY_CARRIES_IDS:
            continue
        swept += 1
        if url.api:
            response = request(api, url, world, headers=_bearer(world.other_secret))
        else:
            response = request(web, url, world)
        if response.status_code != 404:
            failures.append(describe(url, response))
    assert swept >= 60
    assert not failures, "Tenant B reached tenant A's objects (expected 404):\n" + "\n".join(failures)


def test_other_tenants_session_also_gets_404_on_api_objects(world):
    """The browser session of tenant B's administrator on the API (not only B's token)."""
    client = _logged_in(world.other_admin)
    failures = []
    for url in checked_urls():
        if url.api and url.key in PARAMS and url.ninja_methods[0] == "GET":
            response = request(client, url, world)
            if response.status_code != 404:
                failures.append(describe(url, response))
    assert not failures, "\n".join(failures)


def test_citizen_is_refused_on_staff_and_admin_pages(world):
    web = _logged_in(world.citizen)
    api = Client()
    failures = []
    for url in checked_urls():
        if url.key in CITIZEN_OK:
            continue
        if url.api:
            response = request(api, url, world, headers=_bearer(world.citizen_secret))
        else:
            response = request(web, url, world)
        # An API endpoint whose inputs are not declared yet (PARAMS, QUERY, API_BODY, API_MULTIPART) may stop at
        # input validation (422) before the view: no data either. test_every_url_is_classified warns.
        undeclared = url.api and not ({url.key} & (PARAMS.keys() | QUERY.keys() | API_BODY.keys()
                                            | API_MULTIPART.keys()))
        refused = (403, 404, 422) if undeclared else (403, 404)
        if response.status_code not in refused:
            failures.append(describe(url, response))
    assert not failures, "A citizen reached a staff/admin page (expected 403/404):\n" + "\n".join(failures)


# URLs that tenant A itself gets 404 for, by design, so the positive control below cannot use them:
NOT_FOR_OWNER = {
    "market:partner_detail": "Partner pages show other municipalities' listings, never the viewer's own "
                             "(test_partner_views covers a real partner).",
    "market:partner_order_create": "As partner_detail.",
    "market:partner_photo": "As partner_detail.",
    "relocation:need_import_errors": "Needs the preview's one-time token from the importing session "
                                     "(test_views covers it).",
    "participation:meeting_import_errors": "Needs the preview's one-time token from the importing session "
                                           "(test_channels covers it).",
}


def test_tenant_admin_reaches_every_object_url(world):
    """Positive control: the ids used above are real objects, so 404 for tenant B means isolation."""
    web = _logged_in(world.admin)
    api = Client()
    failures = []
    for url in checked_urls():
        if url.key not in PARAMS or url.key in NOT_FOR_OWNER:
            continue
        if url.api:
            if url.ninja_methods[0] != "GET":
                continue
            response = request(api, url, world, headers=_bearer(world.admin_secret))
        else:
            response = web.get(path_of(url, world))
            if response.status_code == 405:
                continue  # POST-only actions: not replayed here (they change state)
        if response.status_code == 404 or response.status_code >= 500:
            failures.append(describe(url, response))
    assert not failures, "Tenant A's own administrator could not reach:\n" + "\n".join(failures)


def test_django_admin_is_closed_to_every_municipal_role(world):
    """/django-admin/ is for platform superusers (is_staff); no municipal role grants that."""
    clients = {"anonymous": Client(), "other tenant admin": _logged_in(world.other_admin),
               "tenant admin": _logged_in(world.admin), "citizen": _logged_in(world.citizen)}
    admin_login = reverse("admin:login")
    failures = []
    admin_urls = [u for u in all_urls() if u.admin and u.key not in PUBLIC]
    assert len(admin_urls) > 5
    for url in admin_urls:
        kwargs = {"object_id": "1", "content_type_id": "1", "app_label": "auth"}
        if url.name:
            names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", url.route)
            wanted = {a or b for a, b in names}
            path = reverse(url.name, kwargs={k: v for k, v in kwargs.items() if k in wanted})
        elif "(?P<url>" in url.route:
            path = "/django-admin/no-such-page/"
        else:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], url.route)
        for who, client in clients.items():
            response = client.get(path)
            ok = (response.status_code == 302 and response["Location"].startswith(admin_login)) \
                or response.status_code == 404
            if not ok:
                failures.append(f"{who}: {describe(url, response)}")
    assert not failures, "\n".join(failures)


def test_door_api_refuses_users(world):
    """The door-controller endpoints (allow-listed above) accept only a door controller's token."""
    for name in ("api:door_verify", "api:door_event"):
        body = {"door": "hoveddør", "code": "123456", "kind": "open"}
        path = reverse(name)
        for headers in ({}, _bearer(world.admin_secret), _bearer("door_guessed-token")):
            response = Client().post(path, data=body, content_type="application/json", headers=headers)
            assert response.status_code == 401, (name, headers, response.status_code)
        response = _logged_in(world.admin).post(path, data=body, content_type="application/json")
        assert response.status_code == 401
