"""Seasonal allocation ("sesongtildeling"): rounds, applications, decisions and complaints.

A round hands out regular weekly time in a set of booking resources for one season. Organisations
apply (activity, group, sessions per week, ranked resources, time windows); the allocation engine
(`engine.py`) proposes a decision per session following the round's priority ladder; staff adjust;
publishing turns every granted decision into a booking series through booking's services.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core.models import TenantOwned

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class AllocationRound(TenantOwned):
    """An allocation round for one season ("tildelingsrunde")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPLICATION = "application", _("Application period")
        ALLOCATION = "allocation", _("Allocation")
        PUBLISHED = "published", _("Published")
        COMPLAINTS = "complaints", _("Complaint period")
        CLOSED = "closed", _("Closed")

    OPEN = (Status.APPLICATION, Status.ALLOCATION)  # direct booking of the resources is closed

    name = models.CharField(_("name"), max_length=200)
    season_start = models.DateField(_("season starts"))
    season_end = models.DateField(_("season ends"))
    application_deadline = models.DateField(_("application deadline"))
    complaint_deadline = models.DateField(_("complaint deadline"), null=True, blank=True)
    resources = models.ManyToManyField("booking.Resource", related_name="+", verbose_name=_("resources"), blank=True)
    rules_text = models.TextField(_("allocation rules"), blank=True,
                                  help_text=_("The rules of this round in words, shown to applicants."))
    day_start = models.TimeField(_("earliest start"), default=dt.time(8))
    day_end = models.TimeField(_("latest end"), default=dt.time(23))
    step_minutes = models.PositiveIntegerField(_("time step (minutes)"), default=30,
                                               validators=[MinValueValidator(5), MaxValueValidator(120)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-season_start", "name"]
        verbose_name = _("allocation round")
        verbose_name_plural = _("allocation rounds")
        constraints = [
            models.CheckConstraint(condition=models.Q(season_end__gt=models.F("season_start")),
                                   name="allocation_round_season_order",
                                   violation_error_message=_("The season must end after it starts.")),
            models.CheckConstraint(condition=models.Q(day_end__gt=models.F("day_start")),
                                   name="allocation_round_day_order",
                                   violation_error_message=_("The latest end must be after the earliest start.")),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.status in self.OPEN


class PriorityRung(TenantOwned):
    """One step of a round's priority ladder: applications matching `criterion` (the first rung that
    matches, top down) are served before those of lower rungs."""

    class Criterion(models.TextChoices):
        UNIT = "unit", _("Municipal units (the building's own services)")
        CHILDREN_YOUTH = "children_youth", _("Organisations with children or youth")
        VOLUNTEER = "volunteer", _("Volunteer organisations")
        ASSOCIATION = "association", _("Associations and volunteer organisations")
        ANY = "any", _("Everyone else")

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="ladder")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    label = models.CharField(_("label"), max_length=200)
    criterion = models.CharField(_("who"), max_length=20, choices=Criterion.choices)
    description = models.TextField(_("rule in words"), blank=True)

    class Meta:
        ordering = ["round", "rank"]
        verbose_name = _("priority group")
        verbose_name_plural = _("priority groups")
        constraints = [models.UniqueConstraint(fields=["round", "rank"], name="allocation_rung_unique_rank",
                                               violation_error_message=_("Each rank is used once."))]

    def __str__(self):
        return f"{self.rank}. {self.label}"


class Application(TenantOwned):
    """An organisation's (or municipal unit's) application for weekly time for one activity."""

    class AgeGroup(models.TextChoices):
        CHILDREN = "children", _("Children (under 13)")
        YOUTH = "youth", _("Youth (13–19)")
        ADULTS = "adults", _("Adults")
        SENIORS = "seniors", _("Seniors")
        MIXED = "mixed", _("Mixed ages")

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("applicant"))
    organisation = models.ForeignKey("accounts.ExternalOrganisation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("organisation"))
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("municipal unit"))
    activity = models.CharField(_("activity"), max_length=200)
    group_size = models.PositiveIntegerField(_("group size"), validators=[MinValueValidator(1)])
    age_group = models.CharField(_("age group"), max_length=16, choices=AgeGroup.choices)
    sessions_per_week = models.PositiveSmallIntegerField(_("sessions per week"),
                                                         validators=[MinValueValidator(1), MaxValueValidator(7)])
    minutes = models.PositiveIntegerField(_("duration (minutes)"),
                                          validators=[MinValueValidator(30), MaxValueValidator(480)])
    rung_override = models.ForeignKey(PriorityRung, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("priority group set by staff"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    frame_time = models.BooleanField(
        _("frame time for member clubs"), default=False,
        help_text=_("An umbrella body (e.g. the sports council) applies for blocks it passes on to its clubs."))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.CheckConstraint(
            condition=models.Q(organisation__isnull=False, org_unit__isnull=True)
            | models.Q(organisation__isnull=True, org_unit__isnull=False),
            name="allocation_application_one_applicant",
            violation_error_message=_("Apply either for an organisation or for a municipal unit."))]

    def __str__(self):
        return f"{self.applicant_name}: {self.activity}"

    @property
    def applicant_name(self):
        return (self.organisation or self.org_unit).name


class ApplicationChoice(models.Model):
    """A resource the application asks for, by rank (1 = first choice)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    resource = models.ForeignKey("booking.Resource", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["application", "rank"]
        constraints = [models.UniqueConstraint(fields=["application", "rank"], name="allocation_choice_unique_rank"),
                       models.UniqueConstraint(fields=["application", "resource"],
                                               name="allocation_choice_unique_resource")]


class TimeWindow(models.Model):
    """A weekly time window the application accepts: primary (wished) or secondary (acceptable)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])  # 0 = Monday
    starts = models.TimeField()
    ends = models.TimeField()
    primary = models.BooleanField(default=True)

    class Meta:
        ordering = ["application", "-primary", "weekday", "starts"]
        constraints = [models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")),
                                              name="allocation_window_order")]

    @property
    def weekday_name(self):
        return WEEKDAYS[self.weekday]


class Decision(TenantOwned):
    """The decision on one session of an application: granted (a resource, a weekday and a time) or
    not, with the explanation (`explanation`: a list of [code, params], shown in words by
    `explain.describe`). `manual` decisions were set by staff and are kept when the proposal is made again."""

    round = models.ForeignKey(AllocationRound, on_delete=models.CASCADE, related_name="decisions")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    session = models.PositiveSmallIntegerField(_("session"))
    granted = models.BooleanField(_("granted"), default=False)
    resource = models.ForeignKey("booking.Resource", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("resource"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, validators=[MaxValueValidator(6)])
    starts = models.TimeField(_("starts"), null=True, blank=True)
    ends = models.TimeField(_("ends"), null=True, blank=True)
    choice_rank = models.PositiveSmallIntegerField(_("choice"), null=True, blank=True)
    primary = models.BooleanField(_("in a primary window"), default=False)
    rung_rank = models.PositiveSmallIntegerField(_("priority"), default=0)
    manual = models.BooleanField(_("set by staff"), default=False)
    explanation = models.JSONField(default=list, blank=True)
    series = models.ForeignKey("booking.BookingSeries", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    skipped = models.JSONField(default=list, blank=True)  # [[ISO date, reason]] left out when published

    class Meta:
        ordering = ["application", "session"]
        verbose_name = _("decision")
        verbose_name_plural = pgettext_lazy("allocation", "decisions")
        constraints = [
            models.UniqueConstraint(fields=["application", "session"], name="allocation_decision_unique_session"),
            models.CheckConstraint(
                condition=models.Q(granted=False) | models.Q(resource__isnull=False, weekday__isnull=False,
                                                             starts__isnull=False, ends__isnull=False),
                name="allocation_decision_granted_has_slot"),
        ]

    def __str__(self):
        return f"{self.application_id}/{self.session}"

    @property
    def weekday_name(self):
        return WEEKDAYS[self.weekday] if self.weekday is not None else ""

    @property
    def hours(self):
        if not self.granted:
            return 0
        return (dt.datetime.combine(dt.date.min, self.ends) - dt.datetime.combine(dt.date.min, self.starts)
                ).total_seconds() / 3600


class Complaint(TenantOwned):
    """A complaint against one decision, filed by the applicant within the round's deadline."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="complaints")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("complaint"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    response = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
