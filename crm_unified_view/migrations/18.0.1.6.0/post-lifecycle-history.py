"""The lifecycle history starts from the stage each customer is in: one open row per customer and
company, from the day of the company's latest run (the day the stage was last found), or today."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        INSERT INTO crm_lifecycle_history (partner_id, company_id, stage, date_from, run_id, user_id,
                                           create_uid, create_date, write_uid, write_date)
        SELECT p.id, c.id, k.value, COALESCE(latest.date_as_of, CURRENT_DATE), latest.id, p.user_id,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM res_partner p
         CROSS JOIN LATERAL jsonb_each_text(p.lifecycle_stage) k
          JOIN res_company c ON c.id::text = k.key
          LEFT JOIN LATERAL (
                SELECT r.id, r.date_as_of FROM crm_segmentation_run r
                 WHERE r.company_id = c.id AND r.state = 'done'
              ORDER BY r.date_as_of DESC, r.id DESC LIMIT 1) latest ON TRUE
         WHERE p.lifecycle_stage IS NOT NULL AND k.value IS NOT NULL AND p.id = p.commercial_partner_id
            ON CONFLICT (partner_id, company_id) WHERE date_to IS NULL DO NOTHING
    """)
