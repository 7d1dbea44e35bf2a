"""Issue 14: numbers in the audit log are grouped in thousands (Norwegian: a space)."""

from django.urls import reverse

from torg.core.models import AuditEvent


def test_audit_log_counts_with_a_thousands_space(client_for, admin_user, tenant):
    AuditEvent.objects.bulk_create([
        AuditEvent(tenant=tenant, actor=admin_user, action="room_update", object_type="places.room", object_id=str(i),
                   object_repr=f"Rom {i}") for i in range(1001)])
    total = AuditEvent.objects.filter(tenant=tenant).count()
    html = client_for(admin_user).get(reverse("accounts:audit_log")).content.decode()
    grouped = f"{total // 1000}\u202f{total % 1000:03d} endringer"
    assert grouped in html and f"{total} endringer" not in html
