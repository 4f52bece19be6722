"""Admin of API tokens: administrators list them (never a key: only its prefix is stored) and
revoke them; nobody adds or edits one here (users create their own on their profile page)."""

import logging

from django.contrib import admin
from django.utils import timezone

from ..models import ApiToken

security_log = logging.getLogger("trustplan.security")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = list_display
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        prefixes = list(queryset.filter(revoked_at__isnull=True).values_list("prefix", flat=True))
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        security_log.info("api tokens revoked by an administrator: tokens=%s", ",".join(prefixes))
        self.message_user(request, f"{count} token(s) revoked.")
