"""No two active slots on the same physical unit may overlap: an exclusion constraint on PostgreSQL.

SQLite has no exclusion constraints; there the booking service checks and inserts inside one
IMMEDIATE transaction (settings.py), which serialises writers.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_bookingslot ADD CONSTRAINT booking_slot_no_overlap
    EXCLUDE USING gist (unit_id WITH =, tstzrange("start", "end", '[)') WITH &&) WHERE (active);
"""
DROP = "ALTER TABLE booking_bookingslot DROP CONSTRAINT IF EXISTS booking_slot_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
