from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app: the one place that may depend on all of them (`manage.py seed`)."""

    name = "demo"
