from django.contrib.auth import views as auth_views
from django.urls import path

from . import oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/<str:provider>/login/", oidc.login, name="oidc_login"),
    path("oidc/<str:provider>/callback/", oidc.callback, name="oidc_callback"),
    path("profile/", views.profile, name="profile"),
    path("profile/tenant/", views.switch_tenant, name="switch_tenant"),
    path("profile/tokens/new/", views.api_token_create, name="api_token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("admin/", views.settings_index, name="settings"),
    path("admin/units/", views.org_unit_list, name="org_unit_list"),
    path("admin/units/new/", views.org_unit_create, name="org_unit_create"),
    path("admin/units/<int:pk>/", views.org_unit_edit, name="org_unit_edit"),
    path("admin/units/<int:pk>/archive/", views.org_unit_archive, name="org_unit_archive"),
    path("admin/users/", views.user_list, name="user_list"),
    path("admin/users/new/", views.user_create, name="user_create"),
    path("admin/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("admin/users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("admin/users/<int:pk>/password/", views.user_set_password, name="user_set_password"),
    path("admin/organisations/", views.organisation_list, name="organisation_list"),
    path("admin/organisations/new/", views.organisation_create, name="organisation_create"),
    path("admin/organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("admin/organisations/<int:pk>/archive/", views.organisation_archive, name="organisation_archive"),
    path("admin/audit/", views.audit_log, name="audit_log"),
]
