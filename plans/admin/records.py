"""Admin of the status history, challenges and the force-wide plan's milestones (scoped)."""

from django.contrib import admin

from ..models import Challenge, ChallengeReply, Milestone, StatusUpdate
from .scoped import ReadOnlyAdmin, ScopedAdmin


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    """The status history: append-only, so read-only for everyone, administrators included."""

    list_display = [
        "created_at",
        "action",
        "who",
        "from_status_display",
        "to_status_display",
        "source",
    ]
    list_filter = ["source", "to_rag"]
    search_fields = ["commentary", "action__text", "author__username", "author_name"]
    list_select_related = ["action", "author"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return StatusUpdate.objects.editable_by(request.user)


@admin.register(Challenge)
class ChallengeAdmin(ScopedAdmin):
    list_display = ["question", "plan", "status", "raised_by", "raised_at", "due_date"]
    list_filter = ["status"]
    search_fields = ["question"]


@admin.register(ChallengeReply)
class ChallengeReplyAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "author", "created_at"]


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = [
        "period_label",
        "description",
        "lead",
        "is_external",
        "starts",
        "ends",
        "completed_on",
    ]
    list_filter = ["is_external", "theme"]
    search_fields = ["description", "lead"]
