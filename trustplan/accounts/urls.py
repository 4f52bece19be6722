"""Account URLs under /accounts/: log-in and sign-out, the organisation's sign-in, passwords and
the second factor."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import mfa, passwords, views

urlpatterns = [
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logout/", views.logout, name="logout"),
    path("oidc/authenticate/", login_not_required(views.SignInStartView.as_view()), name="oidc-start"),
    path("oidc/callback/", login_not_required(views.SignInCallbackView.as_view()), name="oidc-callback"),
    *passwords.urlpatterns,
    *mfa.urlpatterns,
]
