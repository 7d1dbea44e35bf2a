from django import forms
from django.utils.translation import gettext_lazy as _

from torg.core.forms import TorgForm, TorgModelForm

from .models import Building, Floor, Property, Room


class PropertyForm(TorgModelForm):
    class Meta:
        model = Property
        fields = ["gnr", "bnr", "fnr", "snr", "name", "address", "postal_code", "postal_place"]

    def validate_unique(self):
        pass  # checked by full_clean in the service, shown on the form


class BuildingForm(TorgModelForm):
    class Meta:
        model = Building
        fields = ["property", "building_number", "name", "address", "year_built", "gross_area", "use",
                  "strategic_category"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].queryset = Property.objects.filter(tenant=tenant, archived=False)

    def validate_unique(self):
        pass


class FloorForm(TorgModelForm):
    class Meta:
        model = Floor
        fields = ["level", "name"]
        help_texts = {"level": _("0 is the ground floor, 1 the floor above, -1 the basement.")}

    def validate_unique(self):
        pass


class RoomForm(TorgModelForm):
    class Meta:
        model = Room
        fields = ["floor", "number", "name", "function", "net_area", "capacity"]

    def __init__(self, *args, building, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["floor"].queryset = Floor.objects.filter(building=building, archived=False)

    def validate_unique(self):
        pass


class ImportForm(TorgForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
