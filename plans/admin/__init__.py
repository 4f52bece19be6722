"""Admin: editing plans, objectives and actions, scoped to the user's boroughs.

Every queryset and every foreign-key choice goes through ``editable_by`` (the scoping
chokepoint, ``scoped.ScopedAdmin``). Status changes made here go through
``apply_status_update``; the history itself is read-only for everyone. Modules: ``scoped``
(the base classes and the log of refused writes), ``plans``, ``actions``, ``owners``,
``records`` (history, challenges, milestones) and ``reference``.
"""

from django.contrib import admin

from . import actions, owners, plans, records, reference, tokens  # noqa: F401 — they register the ModelAdmins

admin.site.site_header = "TrustPlan administration"
admin.site.site_title = "TrustPlan"
