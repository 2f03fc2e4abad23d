"""18.0.1.2.0: segmentation figures on customers are kept per company (company-dependent).

Before the new fields load, each plain column becomes a jsonb column keyed by company: the
figures under the company of the run that wrote them; a lifecycle stage no run wrote (set
by hand) under the customer's company, or under every company for a shared customer, as
every company saw it before. The plain complaint counters are dropped (18.0.1.3.0 counts
them on read).
"""
FIGURES = [
    "segmentation_run_id", "segment_id", "segment_membership", "rfm_recency_days", "rfm_frequency",
    "rfm_monetary", "rfm_r_score", "rfm_f_score", "rfm_m_score", "rfm_score", "value_tier",
    "customer_age_type", "customer_npv", "needs_account_manager", "automated_service",
]


def migrate(cr, version):
    if not version:
        return
    for counter in ("complaint_count", "open_complaint_count"):
        cr.execute("""SELECT 1 FROM information_schema.columns
                       WHERE table_name = 'res_partner' AND column_name = %s AND data_type <> 'jsonb'""", [counter])
        if cr.fetchone():
            cr.execute('ALTER TABLE res_partner DROP COLUMN "%s"' % counter)
    columns = FIGURES + ["lifecycle_stage"]
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_name = 'res_partner' AND column_name = ANY(%s) AND data_type <> 'jsonb'""",
               [columns])
    if len(cr.fetchall()) != len(columns):
        return
    for column in columns:
        cr.execute('ALTER TABLE res_partner RENAME COLUMN "%s" TO "%s_plain"' % (column, column))
        cr.execute('ALTER TABLE res_partner ADD COLUMN "%s" jsonb' % column)
    cr.execute("UPDATE res_partner p SET %s FROM crm_segmentation_run r WHERE r.id = p.segmentation_run_id_plain" % ", ".join(
        '"{0}" = CASE WHEN p."{0}_plain" IS NOT NULL THEN jsonb_build_object(r.company_id::text, p."{0}_plain") END'.format(
            column) for column in columns))
    cr.execute("""
        UPDATE res_partner p
           SET lifecycle_stage = (SELECT jsonb_object_agg(c.id::text, p.lifecycle_stage_plain) FROM res_company c
                                   WHERE p.company_id IS NULL OR c.id = p.company_id)
         WHERE p.lifecycle_stage_plain IS NOT NULL AND p.segmentation_run_id_plain IS NULL""")
    for column in columns:
        cr.execute('ALTER TABLE res_partner DROP COLUMN "%s_plain"' % column)
