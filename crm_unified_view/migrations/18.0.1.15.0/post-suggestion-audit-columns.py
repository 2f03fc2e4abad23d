"""18.0.1.15.0: cross-selling suggestions no longer store their audit columns.

A run inserts up to five suggestions per customer; the foreign keys of ``create_uid`` and
``write_uid`` cost a check per row. Who ran it and when live on the run, so the columns (and
their foreign keys) are dropped, as those of the results were in 18.0.1.1.0.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE crm_segmentation_suggestion
            DROP COLUMN IF EXISTS create_uid, DROP COLUMN IF EXISTS write_uid,
            DROP COLUMN IF EXISTS create_date, DROP COLUMN IF EXISTS write_date
    """)
