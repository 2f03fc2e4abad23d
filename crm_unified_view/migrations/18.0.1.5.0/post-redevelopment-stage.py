"""Re-development now means selling again to an existing customer, no longer dormancy.

Customers and results that were in it for being dormant go back to the stage their purchases
give (one purchase occasion: conversion; more: retention); the next run puts those being sold
to again (an open opportunity or quotation) in re-development.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE crm_segmentation_result
           SET lifecycle_stage = CASE WHEN frequency > 1 THEN 'retention' ELSE 'conversion' END
         WHERE lifecycle_stage = 'redevelopment'
    """)
    cr.execute("""
        UPDATE res_partner p
           SET lifecycle_stage = (
               SELECT jsonb_object_agg(k.key, CASE WHEN k.value = '"redevelopment"'::jsonb
                   THEN to_jsonb(CASE WHEN COALESCE((p.rfm_frequency ->> k.key)::int, 0) > 1
                                      THEN 'retention' ELSE 'conversion' END)
                   ELSE k.value END)
                 FROM jsonb_each(p.lifecycle_stage) k)
         WHERE p.lifecycle_stage::text LIKE '%"redevelopment"%'
    """)
