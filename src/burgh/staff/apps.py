from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "burgh.staff"
    label = "staff"
    verbose_name = "Staff index"
