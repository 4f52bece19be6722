from django.contrib import admin

from .models import Driver, Framework, Measure


class DriverInline(admin.StackedInline):
    model = Driver
    extra = 0
    fields = ["name", "slug", "order", "description", "questions"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "source"]
    search_fields = ["name", "description"]
    inlines = [DriverInline]


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "slug", "order"]
    list_filter = ["framework"]
    search_fields = ["name", "description", "framework__name"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "is_outcome", "source"]
    list_filter = ["unit", "is_outcome"]
    search_fields = ["name", "wording"]
    autocomplete_fields = ["drivers"]
