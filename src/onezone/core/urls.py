"""URLs of the UI shell and authentication."""

from django.contrib.auth import views as auth_views
from django.urls import path

from onezone.core import calendar_views, views
from onezone.core.forms import OutboxPasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("inbox/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("todos/", views.todo_list, name="todo_list"),
    path("todos/<int:pk>/done/", views.todo_done, name="todo_done"),
    path("audit/", views.audit_log, name="audit_log"),
    path("calendar/", calendar_views.calendar_year, name="calendar_today"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
    path("calendar/overrides/", calendar_views.calendar_override_add, name="calendar_override_add"),
    path(
        "calendar/overrides/<str:day>/remove/",
        calendar_views.calendar_override_remove,
        name="calendar_override_remove",
    ),
    path(
        "calendar/<int:year>/confirm/",
        calendar_views.calendar_year_confirm,
        name="calendar_year_confirm",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
