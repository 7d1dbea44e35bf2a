"""Participation ("medvirkning og samskaping"): processes with their phases, stakeholder map and
participation plan.

A process is addressed publicly by its unguessable `code` (never its id); a draft is visible only
to the municipality's staff. States are declared in `states.py` and changed only through them.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

import secrets

from torg.core.ids import new_public_code
from torg.core.models import TenantOwned
from torg.core.photos import random_name

from . import terms as term_index


class Process(TenantOwned):
    """A participation process ("medvirkningsprosess"), e.g. "New Flytårnet school — early phase"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        OPEN = "open", _("Open for input")
        CLOSED = "closed", _("Closed")
        FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
        ARCHIVED = "archived", _("Archived")

    code = models.CharField(_("public code"), max_length=16, unique=True, default=new_public_code, editable=False)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), help_text=_("In plain language: why the municipality asks, and what "
                                                           "the input will be used for."))
    open_for_influence = models.TextField(_("open for influence"), blank=True,
                                          help_text=_("What participants can still change."))
    already_decided = models.TextField(_("already decided"), blank=True,
                                       help_text=_("What is settled and not up for discussion."))
    responsible_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("responsible unit"))
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    class Identity(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous (no login)")
        LOGGED_IN = "logged_in", _("Logged in")
        INVITE = "invite", _("Invite codes")

    class Moderation(models.TextChoices):
        PRE = "pre", _("Before publication (pre-moderation)")
        POST = "post", _("After publication (post-moderation)")

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    identity = models.CharField(_("who may give input"), max_length=16, choices=Identity.choices,
                                default=Identity.ANONYMOUS)
    moderation = models.CharField(_("moderation"), max_length=8, choices=Moderation.choices, default=Moderation.PRE)
    ask_background = models.BooleanField(_("ask voluntary background questions"), default=True,
                                         help_text=_("Target group, age band and postal code — all optional."))
    properties = models.ManyToManyField("places.Property", blank=True, related_name="+",
                                        verbose_name=_("properties"))
    buildings = models.ManyToManyField("places.Building", blank=True, related_name="+", verbose_name=_("buildings"))
    rooms = models.ManyToManyField("places.Room", blank=True, related_name="+", verbose_name=_("rooms"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    feedback_published_at = models.DateTimeField(_("feedback published"), null=True, blank=True, editable=False)

    class Retention(models.TextChoices):
        KEEP = "keep", _("Keep the input")
        ANONYMISE = "anonymise", _("Anonymise the input")
        DELETE = "delete", _("Delete the input")

    retention = models.CharField(_("after the process is closed"), max_length=16, choices=Retention.choices,
                                 default=Retention.KEEP)
    retention_months = models.PositiveSmallIntegerField(
        _("months after closing"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("The input is anonymised or deleted this many months after the process closed."))
    closed_at = models.DateTimeField(pgettext_lazy("process", "closed"), null=True, blank=True, editable=False)
    retention_done_at = models.DateTimeField(_("retention carried out"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "status"], name="participation_process_status")]
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")

    def __str__(self):
        return self.title

    @property
    def is_public(self):
        return self.status != self.Status.DRAFT


PUBLIC_STATES = [s for s in Process.Status.values if s != Process.Status.DRAFT]


class Phase(TenantOwned):
    """One phase of a process, e.g. information → input → consultation → feedback."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        INPUT = "input", _("Input")
        CONSULTATION = "consultation", _("Consultation")
        FEEDBACK = "feedback", _("Feedback")
        OTHER = "other", _("Other")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases",
                                verbose_name=_("participation process"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="participation_phase_dates_in_order",
                                              violation_error_message=_("A phase cannot end before it starts."))]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.name


class TargetGroup(TenantOwned):
    """One row of a process's stakeholder map ("interessentkart"): who should be heard, how they will
    be reached, and how many the municipality expects to reach."""

    class Kind(models.TextChoices):
        EMPLOYEES = "employees", _("Employees")
        UNION_REPRESENTATIVES = "union_representatives", _("Union representatives")
        USERS_RELATIVES = "users_relatives", _("Users and relatives")
        NEIGHBOURS = "neighbours", _("Neighbours and local community")
        ASSOCIATIONS = "associations", _("Associations")
        FUTURE_USERS = "future_users", _("Future users")
        CHILDREN_YOUTH = "children_youth", _("Children and youth")
        ELECTED_OFFICIALS = "elected_officials", _("Elected officials")
        OTHER = "other", _("Other")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="target_groups",
                                verbose_name=_("participation process"))
    kind = models.CharField(_("target group"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True,
                            help_text=_("Needed for “Other”; optional otherwise."))
    how_reached = models.TextField(_("how they will be reached"), blank=True)
    expected_reach = models.PositiveIntegerField(_("expected reach"), null=True, blank=True,
                                                 validators=[MinValueValidator(0)],
                                                 help_text=_("How many people the municipality expects to hear from."))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["process", "kind", "name"],
                                               name="participation_target_group_unique")]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.name or self.get_kind_display()


class Activity(TenantOwned):
    """One activity of the participation plan: a survey, a meeting, a workshop, a walk-through…"""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Digital survey")
        OPEN_MEETING = "open_meeting", _("Open meeting")
        WORKSHOP = "workshop", _("Workshop")
        WALKTHROUGH = "walkthrough", _("Walk-through")
        WORKING_GROUP = "working_group", _("Working group")
        HEARING = "hearing", _("Hearing")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", pgettext_lazy("activity", "Cancelled")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="activities",
                                verbose_name=_("participation process"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    room = models.ForeignKey("places.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("room"))
    location_text = models.CharField(_("other location"), max_length=200, blank=True,
                                     help_text=_("When the activity is not in a room of the register."))
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="activities",
                                           verbose_name=_("target groups"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
            name="participation_activity_times_in_order",
            violation_error_message=_("The activity must end after it starts."))]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title


class InviteCode(TenantOwned):
    """A personal link to a process that takes input by invitation only (e.g. one per employee)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="invites",
                                verbose_name=_("participation process"))
    code = models.CharField(_("code"), max_length=16, unique=True, default=new_public_code, editable=False)
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("E.g. the unit it was sent to."))
    target_group = models.ForeignKey(TargetGroup, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("target group"))
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("invite code")
        verbose_name_plural = _("invite codes")

    def __str__(self):
        return self.label or self.code


class InputQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Inputs written in bulk (meeting imports, demo, bench) get their terms like `save` gives them."""
        objs = list(objs)
        for obj in objs:
            obj.fill_terms()
        return super().bulk_create(objs, *args, **kwargs)


class Input(TenantOwned):
    """One piece of input ("innspill"): an idea or proposal, or a comment on one.

    `body` is the text as published: personal data (national identity numbers, phone numbers,
    e-mail addresses) is masked before it is stored, and `masked` names what was found so the
    moderator is told. The original text is never kept. `participant` identifies the person
    within the process (a user, an invite code, or an anonymous browser) and is never shown."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("Idea or proposal")
        COMMENT = "comment", _("Comment")
        PIN = "pin", _("Comment on a plan")
        NOTE = "note", _("Said at a meeting")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    class AgeBand(models.TextChoices):
        UNDER_13 = "0-12", _("12 or younger")
        TEEN = "13-19", _("13–19")
        YOUNG = "20-34", _("20–34")
        MIDDLE = "35-49", _("35–49")
        OLDER = "50-66", _("50–66")
        SENIOR = "67+", _("67 or older")

    class Channel(models.TextChoices):
        DIGITAL = "digital", _("Digital")
        MEETING = "meeting", _("Meeting or workshop")
        PAPER = "paper", _("Paper or letter")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="inputs",
                                verbose_name=_("participation process"))
    code = models.CharField(_("public code"), max_length=16, unique=True, default=new_public_code, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.IDEA)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="comments",
                               verbose_name=_("comment on"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    masked = models.JSONField(_("personal data masked"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    moderation_reason = models.TextField(_("reason for hiding"), blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False,
                                       help_text=_("Personal data was masked, or someone reported it."))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.DIGITAL)
    participant = models.CharField(max_length=64, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    invite = models.ForeignKey(InviteCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    notify_email = models.EmailField(_("e-mail for notices"), blank=True)
    target_group = models.ForeignKey(TargetGroup, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("target group"))
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    activity = models.ForeignKey("Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="inputs",
                                 verbose_name=_("activity"))
    plan = models.ForeignKey("FloorPlan", on_delete=models.CASCADE, null=True, blank=True, related_name="pins",
                             verbose_name=_("plan"))
    area = models.ForeignKey("PlanArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("area"))
    pin_x = models.FloatField(null=True, blank=True)  # 0..1 from the plan's left edge
    pin_y = models.FloatField(null=True, blank=True)  # 0..1 from the plan's top edge
    receipt = models.CharField(max_length=48, blank=True, default="", editable=False, db_index=True)
    anonymised = models.BooleanField(_("anonymised"), default=False)
    # The title's and text's terms, stemmed once when written (`terms.encode`), for suggested themes.
    terms = models.TextField(null=True, blank=True, editable=False)

    objects = InputQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(pin_x__isnull=True, pin_y__isnull=True)
                       | models.Q(pin_x__gte=0, pin_x__lte=1, pin_y__gte=0, pin_y__lte=1, plan__isnull=False)),
            name="participation_input_pin_on_plan")]
        indexes = [models.Index(fields=["process", "status", "kind"], name="participation_input_status"),
                   models.Index(fields=["process", "participant"], name="participation_input_who"),
                   # newest first without sorting the whole process (suggested themes, coding list)
                   models.Index(fields=["process", "created_at", "id"], name="participation_input_newest")]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")

    def fill_terms(self):
        self.terms = term_index.encode(f"{self.title} {self.body}")

    def save(self, *args, **kwargs):
        self.fill_terms()  # the text is written once (masked); its terms with it
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"title", "body"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "terms"}
        super().save(*args, **kwargs)

    def __str__(self):
        return self.title or self.body[:60]


class Support(TenantOwned):
    """One person's support of an idea. The unique constraint makes "one support per person" a fact
    the database keeps, whatever happens concurrently."""

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="supports")
    participant = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["input", "participant"], name="participation_one_support")]


class AbuseReport(TenantOwned):
    """Someone reported a piece of input to the moderators (once per person and input)."""

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="reports")
    participant = models.CharField(max_length=64)
    reason = models.TextField(_("reason"), blank=True)
    handled = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["input", "participant"], name="participation_one_report")]


class Theme(TenantOwned):
    """A theme ("tema") staff code input into, e.g. "Outdoor areas and green space". A piece of
    input may belong to several themes; the coding is the many-to-many `inputs`."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="themes",
                                verbose_name=_("participation process"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what we heard"), blank=True,
                                   help_text=_("A short summary of what people said, shown on the public "
                                               "feedback page."))
    inputs = models.ManyToManyField(Input, blank=True, related_name="themes", verbose_name=_("inputs"))

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["process", "name"], name="participation_theme_unique",
                                               violation_error_message=_("The process already has this theme."))]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class Decision(TenantOwned):
    """A decision ("vedtak") the input fed into, e.g. "BP2: concept approved" by the municipal
    council, with its case number ("saksnummer") and a link to the case document."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name=_("participation process"))
    title = models.CharField(_("title"), max_length=200)
    decided_on = models.DateField(_("date of decision"))
    body = models.CharField(_("decision-making body"), max_length=200,
                            help_text=_("E.g. the municipal council, the executive committee, the chief executive."))
    case_number = models.CharField(_("case number"), max_length=40, blank=True,
                                   help_text=_("The political or administrative case number (saksnummer)."))
    document_url = models.URLField(_("document link"), max_length=500, blank=True)
    summary = models.TextField(_("what was decided"), blank=True)

    class Meta:
        ordering = ["decided_on", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.title


class FeedbackResponse(TenantOwned):
    """The municipality's answer ("tilbakemelding") to one theme or to one piece of input: was it
    taken into the decision, and why (not). Exactly one of `theme` and `input` is set."""

    class Outcome(models.TextChoices):
        TAKEN = "taken", _("Taken into the decision")
        PARTLY = "partly", _("Partly taken into the decision")
        NOT_TAKEN = "not_taken", _("Not taken into the decision")
        OUT_OF_SCOPE = "out_of_scope", _("Outside the scope of the process")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="feedback",
                                verbose_name=_("participation process"))
    theme = models.OneToOneField(Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="response",
                                 verbose_name=_("theme"))
    input = models.OneToOneField(Input, on_delete=models.CASCADE, null=True, blank=True, related_name="response",
                                 verbose_name=_("input"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    text = models.TextField(_("what we did and why"), blank=True)
    decision = models.ForeignKey(Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses",
                                 verbose_name=_("decision"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=(models.Q(theme__isnull=False, input__isnull=True)
                                              | models.Q(theme__isnull=True, input__isnull=False)),
                                   name="participation_response_one_subject",
                                   violation_error_message=_("A response answers either a theme or one input.")),
            models.CheckConstraint(condition=~models.Q(outcome="not_taken", text=""),
                                   name="participation_response_why_not",
                                   violation_error_message=_("Say why it was not taken into the decision.")),
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return self.get_outcome_display()


class Survey(TenantOwned):
    """A survey ("spørreundersøkelse") of a process. Once open, questions can only be added: what
    was asked stays as it was asked, so answers already given keep their meaning."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("survey status", "Open")
        CLOSED = "closed", _("Closed")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="surveys",
                                verbose_name=_("participation process"))
    code = models.CharField(_("public code"), max_length=16, unique=True, default=new_public_code, editable=False)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self):
        return self.title


class Question(TenantOwned):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale")
        TEXT = "text", _("Free text")
        RANKING = "ranking", _("Ranking")
        POINTS = "points", _("Spread 100 points")
        PLACE = "place", _("Place (building or room)")

    WITH_OPTIONS = {Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING, Kind.POINTS}

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    plan = models.ForeignKey("FloorPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("plan"), help_text=_("For a place question: a pin on this plan."))
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="participation_question_position")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text


class Response(TenantOwned):
    """One person's answers to a survey (one response per person, kept by the database)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    participant = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "participant"], name="participation_one_response")]


class Answer(TenantOwned):
    """One answer: a choice index, a list of them, a number, a text (masked), a ranking (option
    indices best first), points per option, or a place ("building:<id>" / "room:<id>", or on a plan
    {"x": 0..1, "y": 0..1, "area": id or null})."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["question"], name="participation_answer_question")]


# --- Input channels: plans, meeting photos, subscriptions ---------------------------------------
def plan_image_path(instance, filename):
    return random_name(f"participation/{instance.tenant_id}/plans")


def activity_photo_path(instance, filename):
    return random_name(f"participation/{instance.tenant_id}/activities")


class FloorPlan(TenantOwned):
    """A floor or site plan image of a process (or one activity of it) that people pin comments on.
    Pins are stored relative to the image (0..1), so they stay put whatever size it is shown at."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="plans",
                                verbose_name=_("participation process"))
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans",
                                 verbose_name=_("activity"))
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description of the plan"), max_length=500,
                                   help_text=_("For people who cannot see the image: what it shows."))
    image = models.ImageField(_("plan image"), upload_to=plan_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    open_for_pins = models.BooleanField(_("open for comments"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.title


class PlanArea(TenantOwned):
    """A named area of a plan (a room, the square, the entrance) as a rectangle in relative
    coordinates: the list alternative to pointing, and a pin's place in words."""

    plan = models.ForeignKey(FloorPlan, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200)
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    w = models.FloatField(default=1)
    h = models.FloatField(default=1)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(x__gte=0, y__gte=0, w__gt=0, h__gt=0, x__lte=1, y__lte=1),
            name="participation_area_on_plan")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name

    def contains(self, x, y):
        return self.x <= x <= self.x + self.w and self.y <= y <= self.y + self.h

    @property
    def centre(self):
        return (round(min(1.0, self.x + self.w / 2), 4), round(min(1.0, self.y + self.h / 2), 4))


class ActivityPhoto(TenantOwned):
    """A photo from a meeting or workshop (a flipchart, post-it wall), re-encoded on upload and served
    to the municipality's staff only."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=activity_photo_path)
    alt = models.CharField(_("what the photo shows"), max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]


def new_token():
    return secrets.token_urlsafe(32)


class Subscription(TenantOwned):
    """An e-mail address that follows a process's news and/or feedback. Double opt-in: nothing is
    sent until the link in the first e-mail is opened. The token (256 bits) is the only key to
    confirm and unsubscribe — no login needed, nothing to guess."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(_("e-mail"))
    news = models.BooleanField(_("news about the process"), default=True)
    feedback = models.BooleanField(_("the feedback (what was done with the input)"), default=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "email"], name="participation_one_subscription")]


class News(TenantOwned):
    """A news item of a process, shown on its public page and sent to the news subscribers."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("news")
        verbose_name_plural = _("news")
