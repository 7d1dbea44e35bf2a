from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "torg.core"
    label = "core"

    def ready(self):
        # django-prometheus creates its metrics lazily in the first middleware instance, without a
        # lock: two request handlers built at once in threads (the test client in a thread pool, a
        # threaded server starting) would both register them and fail with DuplicateTimeseries.
        # Creating them here, once, at start-up removes the race.
        from django_prometheus.middleware import Metrics

        Metrics.get_instance()
