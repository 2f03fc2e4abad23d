"""18.0.1.1.0: segmentation results no longer store their company and audit columns.

A run inserts one result per customer; each stored many2one cost a foreign-key lookup per
row. The company is now read through the run and who/when live on the run, so the columns
left by 18.0.1.0.0 (and their foreign keys and indexes) are dropped.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE crm_segmentation_result
            DROP COLUMN IF EXISTS company_id, DROP COLUMN IF EXISTS create_uid,
            DROP COLUMN IF EXISTS write_uid, DROP COLUMN IF EXISTS create_date,
            DROP COLUMN IF EXISTS write_date
    """)
