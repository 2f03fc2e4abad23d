"""Lock check: one draft segmentation run for each of the two processes, committed.

Runs inside ``odoo shell``, which gives ``env``. Prints ``LOCK runs <id> <id>``.
"""
runs = env["crm.segmentation.run"].create([{"n_segments": 3}, {"n_segments": 3}])
env.cr.commit()
print("LOCK runs", *runs.ids)
