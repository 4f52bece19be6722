"""Work a server does once before its workers start (gunicorn.conf.py, ``preload_app``).

A fresh worker spent its first requests importing every view (Django reads the URLconf at the
first request), compiling the templates it renders (the cached loader compiles a template at
its first use) and fitting the key-driver analysis of the shipped synthetic sample (computed
once per process, for the dashboards' driver weights): about 2.5 s of CPU per worker, measured.
Done once in the process the workers are forked from, that work is shared by every worker and
by every worker gunicorn starts later. Nothing here touches the database.
"""

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver


def template_names():
    """The project's own templates (``templates/``), by their names."""
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(directory.rglob("*.html")):
            yield path.relative_to(directory).as_posix()


def warm():
    """Import every view, compile the project's templates and fit the shipped analysis, then
    close any connection."""
    from drivers.analysis import shipped_analysis

    get_resolver().url_patterns  # noqa: B018 — imports the URLconf and every view
    shipped_analysis()
    engine = engines["django"]
    for name in template_names():
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue
    connections.close_all()
