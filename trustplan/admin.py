"""The admin's own log-in obeys LOCAL_LOGIN like the log-in page (the admin itself is plans/admin.py)."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .accounts.views import local_login_allowed


class AdminLocalAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not local_login_allowed(user):
            raise ValidationError(
                "Sign in with your organisation: password log-in is turned off.", code="sso"
            )


admin.site.login_form = AdminLocalAuthenticationForm

# django-otp registers its devices in the admin, with pages that show a user's secret as a QR
# code: not here. An administrator resets a lost second factor with
# `manage.py reset_second_factor USERNAME`.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
