from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark commands (make bench*) and generate_tickets, which fills a database for
    them: tools that read every app, which no app imports."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
