"""Admin of reference data, survey figures and memberships (not scoped: administrators write)."""

from django.contrib import admin

from ..models import BCU, Borough, MeasureReading, Membership, Pillar, Target, Theme
from .scoped import BritishDatesAdmin


@admin.register(MeasureReading)
class MeasureReadingAdmin(BritishDatesAdmin):
    list_display = ["measure", "borough", "period_end", "value", "source"]
    list_filter = ["measure", "borough__bcu"]
    search_fields = ["borough__name", "measure__name"]
    list_select_related = ["measure", "borough"]


@admin.register(Target)
class TargetAdmin(BritishDatesAdmin):
    list_display = [
        "measure",
        "borough",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
    ]
    list_filter = ["measure"]


@admin.register(Membership)
class MembershipAdmin(BritishDatesAdmin):
    list_display = ["user", "borough", "role"]
    list_filter = ["role", "borough"]
    autocomplete_fields = ["user", "borough"]


@admin.register(Borough)
class BoroughAdmin(BritishDatesAdmin):
    list_display = ["name", "ons_code", "bcu", "is_synthetic"]
    list_filter = ["bcu", "is_synthetic"]
    search_fields = ["name", "ons_code"]


admin.site.register(BCU)
admin.site.register(Pillar)
admin.site.register(Theme)
