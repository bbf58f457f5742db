from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "burgh.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from burgh.people import access

        access.register()
