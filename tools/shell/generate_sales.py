"""Generated customers and confirmed sales orders for checks and benchmarks, committed.

Runs inside ``odoo shell``, which gives ``env``. Parameters: customers, orders, sql (the
path of sql/generate_sales.sql).
"""
import json
import os
import time

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))
started = time.monotonic()
with open(params["sql"], encoding="utf-8") as sql:
    env.cr.execute(sql.read(), {"customers": params["customers"], "orders": params["orders"],
                                "company": env.company.id, "currency": env.company.currency_id.id})
env.cr.commit()
print("GENERATED %d customers, %d orders in %.1f s" % (params["customers"], params["orders"], time.monotonic() - started))
