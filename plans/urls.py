"""Page routes of the plans app. Each feature keeps its routes in its own marked block."""

from django.urls import path, re_path  # noqa: F401

from drivers import views as driver_views

from .views import actions as action_views
from .views import challenges as challenge_views
from .views import dashboards as dashboard_views
from .views import exports as export_views
from .views import force as force_views
from .views import imports as import_views
from .views import my_owners as my_owner_views
from .views import notifications as notification_views
from .views import objectives as objective_views
from .views import outcomes as outcome_views
from .views import plan_editing as plan_editing_views
from .views import public as public_views
from .views import publishing as publishing_views
from .views import returns as return_views
from .views import review as review_views

urlpatterns = [
    # --- review and action pages ---
    path("actions/<int:pk>/", action_views.action_detail, name="action-detail"),
    path("boroughs/<slug:slug>/review/", review_views.borough_review, name="borough-review"),
    # --- end review and action pages ---
    # --- dashboards and challenges ---
    path("oversight/", dashboard_views.oversight, name="oversight"),
    path("actions/", dashboard_views.action_list, name="action-list"),
    path("boroughs/<slug:slug>/", dashboard_views.borough_dashboard, name="borough-dashboard"),
    path("boroughs/<slug:slug>/challenges/new/", challenge_views.challenge_create, name="challenge-create"),
    path("challenges/", challenge_views.challenge_list, name="challenge-list"),
    path("challenges/<int:pk>/", challenge_views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/reply/", challenge_views.challenge_reply, name="challenge-reply"),
    path("challenges/<int:pk>/close/", challenge_views.challenge_close, name="challenge-close"),
    # --- end dashboards and challenges ---
    # --- exports and imports ---
    path("export/actions.xlsx", export_views.export_actions_xlsx, name="export-actions-xlsx"),
    path("export/actions.csv", export_views.export_actions_csv, name="export-actions-csv"),
    path("import/template.xlsx", import_views.import_template, name="import-template"),
    path("boroughs/<slug:slug>/import/", import_views.borough_import, name="borough-import"),
    # --- end exports and imports ---
    # --- outcomes and measures ---
    path("measures/import/", outcome_views.measures_import, name="measures-import"),
    path("boroughs/<slug:slug>/targets/", outcome_views.borough_targets, name="borough-targets"),
    path("drivers/key-drivers/", driver_views.key_drivers, name="key-drivers"),
    path("drivers/key-drivers/files/", driver_views.respondent_files, name="respondent-files"),
    path("drivers/key-drivers/files/<int:pk>/", driver_views.respondent_file, name="respondent-file"),
    path(
        "drivers/key-drivers/files/<int:pk>/download/",
        driver_views.respondent_file_download,
        name="respondent-file-download",
    ),
    # --- end outcomes and measures ---
    # --- reporting cycle ---
    path("boroughs/<slug:slug>/returns/", return_views.borough_returns, name="borough-returns"),
    path("returns/<int:pk>/", return_views.return_detail, name="return-detail"),
    path("returns/<int:pk>/sign-off/", return_views.return_sign_off, name="return-sign-off"),
    path("returns/<int:pk>/send-back/", return_views.return_send_back, name="return-send-back"),
    # --- end reporting cycle ---
    # --- the year: notifications, plan editing ---
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/settings/", notification_views.notification_settings, name="notification-settings"),
    path("accounts/owners/", my_owner_views.my_owners, name="my-owners"),
    path("boroughs/<slug:slug>/plan/", plan_editing_views.plan_edit, name="plan-edit"),
    path("boroughs/<slug:slug>/actions/new/", plan_editing_views.action_new, name="action-new"),
    path("actions/<int:pk>/edit/", plan_editing_views.action_edit, name="action-edit"),
    path("actions/<int:pk>/move/", plan_editing_views.action_move_view, name="action-move"),
    path("actions/<int:pk>/retire/", plan_editing_views.action_retire_view, name="action-retire"),
    path("boroughs/<slug:slug>/objectives/new/", objective_views.objective_new, name="objective-new"),
    path("objectives/<int:pk>/edit/", objective_views.objective_edit, name="objective-edit"),
    path("objectives/<int:pk>/move/", objective_views.objective_move_view, name="objective-move"),
    path("objectives/<int:pk>/retire/", objective_views.objective_retire_view, name="objective-retire"),
    # --- end the year ---
    # --- force plan ---
    path("force/", force_views.force_plan, name="force-plan"),
    path("actions/<int:pk>/force-links/", force_views.action_force_links, name="action-force-links"),
    # --- end force plan ---
    # --- publishing ---
    path("boroughs/<slug:slug>/board-pack.pdf", publishing_views.borough_pack, name="borough-pack"),
    path("oversight/board-pack.pdf", publishing_views.oversight_pack, name="oversight-pack"),
    path("boroughs/<slug:slug>/plan.docx", publishing_views.plan_docx, name="plan-docx"),
    path("returns/<int:pk>/public-notes/", publishing_views.public_notes, name="return-public-notes"),
    path("returns/<int:pk>/publish/", publishing_views.publish, name="return-publish"),
    path("returns/<int:pk>/unpublish/", publishing_views.unpublish, name="return-unpublish"),
    path("public/", public_views.public_index, name="public-index"),
    path("public/<slug:slug>/", public_views.public_borough, name="public-borough"),
    re_path(
        r"^public/(?P<slug>[-a-zA-Z0-9_]+)/(?P<quarter>\d{4}-\d{2}-q[1-4])\.csv$",
        public_views.public_quarter_csv,
        name="public-quarter-csv",
    ),
    re_path(
        r"^public/(?P<slug>[-a-zA-Z0-9_]+)/(?P<quarter>\d{4}-\d{2}-q[1-4])\.json$",
        public_views.public_quarter_json,
        name="public-quarter-json",
    ),
    # --- end publishing ---
]
