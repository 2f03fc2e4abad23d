"""Customers keep only the figures that stay true from one run to the next.

The day of the last purchase replaces the days since it (which aged every night); the run, the
result line, the segment, its membership and the NPV are read through the line of the latest
run: their columns go. The first purchase day is filled by the next run.
"""
READ_THROUGH_THE_LATEST_LINE = ("segmentation_run_id", "segmentation_result_id", "segment_id", "segment_membership",
                                "customer_npv", "rfm_recency_days")


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS last_purchase_date jsonb")
    cr.execute("""
        UPDATE res_partner p SET last_purchase_date = days.value
          FROM (SELECT q.id, jsonb_object_agg(k.key, to_jsonb(r.date_as_of - (q.rfm_recency_days ->> k.key)::int))
                       AS value
                  FROM res_partner q
                 CROSS JOIN LATERAL jsonb_each_text(q.segmentation_run_id) k
                  JOIN crm_segmentation_run r ON r.id = k.value::int
                 WHERE q.rfm_recency_days ->> k.key IS NOT NULL
              GROUP BY q.id) days
         WHERE p.id = days.id
    """)
    cr.execute("ALTER TABLE res_partner %s" % ", ".join(
        "DROP COLUMN IF EXISTS %s" % column for column in READ_THROUGH_THE_LATEST_LINE))
    # The unique (run, customer) index serves the run's lines too.
    cr.execute("DROP INDEX IF EXISTS crm_segmentation_result__run_id_index")
