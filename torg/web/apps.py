from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "torg.web"
    label = "web"

    def ready(self):
        from torg.places.panels import register_building_panel, register_property_panel

        from .panels import (estate_for_building, participation_for_building, participation_for_property,
                             projects_for_building)

        register_building_panel(estate_for_building)
        register_building_panel(participation_for_building)
        register_building_panel(projects_for_building)
        register_property_panel(participation_for_property)
