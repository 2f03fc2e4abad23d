#!/usr/bin/env python3
"""Install, upgrade and uninstall crm_unified_view on a database that already has customers.

    python3 tools/lifecycle_check.py [--customers 5000] [--orders 50000]

In a scratch database: installs Odoo's Contacts, Sales, Invoicing, CRM, Employees and
Survey; generates customers and confirmed orders; installs the previous release of the
addon (from git history) and gives it data; upgrades to the working tree and checks the
data survived the migration; uninstalls and checks that nothing of the addon is left and
that Odoo still works; installs it again and checks that the install gave the customers
their first figures. Prints the figures it measured; exits non-zero on any failure.
Called by ``tools/cuv.py test``.
"""
import argparse
import ast
import os
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_segmentation  # noqa: E402  (its data generator)
import cuv  # noqa: E402

BASE_MODULES = "contacts,sale_management,account,crm,hr,survey,portal"
MANIFEST = "%s/__manifest__.py" % cuv.MODULE
# The commit each version was released from (add one at each version bump): the check
# upgrades from the newest release older than the working tree.
RELEASES = {
    "18.0.1.0.0": "6ce5680912b088d33dfceca81126c4119fec58e4",
    "18.0.1.1.0": "fd8b3e49e4e87029eb78619362bedeceedde0a88",
    "18.0.1.2.0": "28f6af4b14b6aad3fdcbe11473b155598d642954",
}

# Figures printed before and after the upgrade, which must be equal.
KEPT_FIGURES = ("results", "scored_customers", "scored_purchases", "segmented_customers", "complaints_counted")

# Data a company has after using the previous release: kept through the upgrade, removed by the uninstall.
GIVE_DATA = """
partner = env["res.partner"].search([("name", "=", "Bench customer 1")])
run = env["crm.segmentation.run"].create({"n_segments": 4})
run.action_run()
env["crm.complaint"].create({"subject": "Lifecycle complaint", "partner_id": partner.id})
env["crm.complaint.category"].create({"name": "Lifecycle", "alias_name": "lifecycle-complaints"})
env["crm.customer.private.info"].create({"partner_id": partner.id, "home_address": "Lifecycle Road 1",
    "category_id": env.ref("crm_unified_view.private_category_address").id})
env["res.config.settings"].create({"reply_limit_hours": 8}).execute()
partner.activity_schedule("crm_unified_view.mail_activity_type_reply_overdue", summary="Lifecycle reply")
env.cr.commit()
print("LIFECYCLE results", env["crm.segmentation.result"].search_count([("run_id", "=", run.id)]))
scored = env["res.partner"].search([("rfm_score", "!=", False)])
print("LIFECYCLE scored_customers", len(scored))
print("LIFECYCLE scored_purchases", sum(scored.mapped("rfm_frequency")))
print("LIFECYCLE segmented_customers", env["res.partner"].search_count([("segment_id", "!=", False)]))
print("LIFECYCLE complaints_counted", env["res.partner"].search([("name", "=", "Bench customer 1")]).complaint_count)
"""

CHECK_UPGRADE = """
run = env["crm.segmentation.run"].search([], limit=1)
assert run.state == "done", run.state
print("LIFECYCLE results", env["crm.segmentation.result"].search_count([("run_id", "=", run.id)]))
assert env["crm.complaint"].search_count([("subject", "=", "Lifecycle complaint")]) == 1
assert env["crm.customer.private.info"].search([("home_address", "=", "Lifecycle Road 1")]).partner_id
assert env["ir.config_parameter"].get_param("crm_unified_view.reply_limit_hours") == "8.0"
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'crm_segmentation_result'")
columns = {row[0] for row in env.cr.fetchall()}
assert not columns & {"company_id", "create_uid", "write_uid"}, columns
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner' "
               "AND column_name IN ('complaint_count', 'open_complaint_count')")
assert not env.cr.fetchall(), "complaint counters are counted on read: their columns must be gone"
scored = env["res.partner"].search([("rfm_score", "!=", False)])
print("LIFECYCLE scored_customers", len(scored))
print("LIFECYCLE scored_purchases", sum(scored.mapped("rfm_frequency")))
print("LIFECYCLE segmented_customers", env["res.partner"].search_count([("segment_id", "!=", False)]))
print("LIFECYCLE complaints_counted", env["res.partner"].search([("name", "=", "Bench customer 1")]).complaint_count)
print("LIFECYCLE version", env["ir.module.module"].search([("name", "=", "crm_unified_view")]).latest_version)
"""

# What the addon owns, listed before the uninstall so that the check can look for each piece after it.
UNINSTALL = """
import json
data = env["ir.model.data"].search([("module", "=", "crm_unified_view")])
models = env["ir.model"].browse(data.filtered(lambda d: d.model == "ir.model").mapped("res_id")).filtered(
    lambda model: env[model.model]._original_module == "crm_unified_view")  # not the ones it extends
fields = env["ir.model.fields"].browse(data.filtered(lambda d: d.model == "ir.model.fields").mapped("res_id"))
owned = {
    "models": models.mapped("model"),
    "tables": [env[model]._table for model in models.mapped("model")]
              + env["ir.model.relation"].search([("module.name", "=", "crm_unified_view")]).mapped("name"),
    "columns": [(env[f.model]._table, f.name) for f in fields if f.store and env[f.model]._fields[f.name].column_type],
    "records": [(env[d.model]._table, d.res_id) for d in data if not d.model.startswith("ir.model")],
    "aliases": env["crm.complaint.category"].with_context(active_test=False).search([]).alias_id.ids,
}
assert owned["aliases"] and ("res_partner", "customer_age_type") in [tuple(c) for c in owned["columns"]]
print("LIFECYCLE owned", json.dumps(owned, separators=(",", ":")))
start = time.monotonic()
env["ir.module.module"].search([("name", "=", "crm_unified_view")]).button_immediate_uninstall()
print("LIFECYCLE uninstall_seconds %.2f" % (time.monotonic() - start))
"""

# After the uninstall, in a fresh registry: nothing of the addon, and Odoo's own apps work.
CHECK_UNINSTALL = """
import collections
leftovers = collections.defaultdict(list)
def found(label, query, params=()):
    env.cr.execute(query, params)
    leftovers[label] += [row[0] for row in env.cr.fetchall()]
models = tuple(owned["models"])
env.cr.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
tables = {row[0] for row in env.cr.fetchall()}
leftovers["tables"] = sorted(tables & set(owned["tables"]))
for table, column in owned["columns"]:
    found("columns", "SELECT table_name || '.' || column_name FROM information_schema.columns "
          "WHERE table_name = %s AND column_name = %s", [table, column])
for table, res_id in owned["records"]:
    if table in tables:
        found("records", "SELECT %s || ' ' || id FROM " + table + " WHERE id = %s", [table, res_id])
found("xml ids", "SELECT name FROM ir_model_data WHERE module = 'crm_unified_view'")
found("models", "SELECT model FROM ir_model WHERE model IN %s", [models])
found("fields", "SELECT model || '.' || name FROM ir_model_fields WHERE model IN %s OR relation IN %s", [models, models])
found("config parameters", "SELECT key FROM ir_config_parameter WHERE key LIKE 'crm_unified_view.%%'")
found("mail aliases", "SELECT alias_name FROM mail_alias WHERE id IN %s", [tuple(owned["aliases"])])
found("messages", "SELECT model FROM mail_message WHERE model IN %s", [models])
found("activities", "SELECT res_model FROM mail_activity WHERE res_model IN %s", [models])
found("views", "SELECT name FROM ir_ui_view WHERE arch_db::text LIKE '%%crm_unified_view%%'")
leftovers = {label: rows[:10] for label, rows in leftovers.items() if rows}
assert not leftovers, leftovers
# A reminder to reply to a customer is the user's work: it stays, as a to-do.
assert env["mail.activity"].search([("summary", "=", "Lifecycle reply")]).activity_type_id == env.ref(
    "mail.mail_activity_data_todo")
# Odoo's own apps behave as before
partner = env["res.partner"].search([("name", "=", "Bench customer 1")])
views = env["res.partner"].get_views([(False, "form"), (False, "list")])
partner.web_read({name: {} for name in views["models"]["res.partner"]["fields"]})
product = env["product.product"].create({"name": "After uninstall", "list_price": 10})
order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]})
order.action_confirm()
assert order.state == "sale"
env["crm.lead"].create({"name": "After uninstall", "partner_id": partner.id})
env.cr.rollback()
print("LIFECYCLE uninstall_clean 1")
"""

# Installed on a database full of customers: the figures come from set-based runs, not the ORM.
CHECK_INSTALL = """
runs = env["crm.segmentation.run"].search([])
assert runs and set(runs.mapped("state")) == {"done"}, runs.mapped("state")
env.cr.execute("SELECT count(DISTINCT partner_id) FROM sale_order WHERE state = 'sale'")
buyers = env.cr.fetchone()[0]
assert env["res.partner"].search_count([("rfm_score", "!=", False)]) == buyers
print("LIFECYCLE initial segmentation at install (s) %.2f" % sum(runs.mapped("duration")))
unscored = env["res.partner"].search_count([("data_quality_date", "=", False)])
assert unscored > buyers, unscored  # scored later by their cron, not one by one during the install
start = time.monotonic()
while env["res.partner"]._cron_refresh_data_quality():
    pass
print("LIFECYCLE initial data-quality scores, cron batches (s) %.2f" % (time.monotonic() - start))
assert not env["res.partner"].search_count([("data_quality_date", "=", False)])
start = time.monotonic()
env["crm.segmentation.run"]._run_for_company(env.company)
print("LIFECYCLE nightly segmentation for comparison (s) %.2f" % (time.monotonic() - start))
env.cr.rollback()
"""


def manifest_version(source):
    return ast.literal_eval(source)["version"]


def previous_release():
    """The newest release older than the working tree: (commit, its version, the working tree's)."""
    current = manifest_version(open(os.path.join(cuv.ROOT, MANIFEST), encoding="utf-8").read())
    older = [version for version in RELEASES if version_key(version) < version_key(current)]
    if not older:
        raise SystemExit("No release of %s older than %s in RELEASES." % (cuv.MODULE, current))
    version = max(older, key=version_key)
    source = subprocess.run(["git", "show", "%s:%s" % (RELEASES[version], MANIFEST)], cwd=cuv.ROOT, check=True,
                            capture_output=True, text=True).stdout
    if manifest_version(source) != version:
        raise SystemExit("Commit %s is not version %s of %s." % (RELEASES[version], version, cuv.MODULE))
    return RELEASES[version], version, current


def version_key(version):
    return tuple(int(part) for part in version.split("."))


class Lifecycle:

    def __init__(self, odoo_dir, pg, dbname, port):
        self.odoo_dir, self.pg, self.dbname, self.port = odoo_dir, pg, dbname, port
        self.figures = {}

    def command(self, *args, addons=None):
        cmd = cuv.odoo_command(self.odoo_dir, self.pg, self.dbname, *args)
        if addons:  # an older copy of the addon: first in the path, so it wins over the working tree
            cmd = [part.replace("--addons-path=", "--addons-path=%s," % addons) for part in cmd]
        return cmd

    def odoo(self, *args, addons=None, label=None):
        cmd = self.command(*args, "--stop-after-init", "--log-level=warn", "--http-port=%d" % self.port,
                           "--max-cron-threads=0", addons=addons)
        start = time.monotonic()
        result = subprocess.run(cmd, capture_output=True, text=True)
        if label:
            self.figures[label] = time.monotonic() - start
        errors = [line for line in result.stdout.splitlines() + result.stderr.splitlines()
                  if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")]
        if result.returncode or errors:
            print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
            raise SystemExit("Odoo failed: %s" % " ".join(args))

    def shell(self, code, addons=None):
        cmd = self.command("--log-level=warn", "--no-http", addons=addons)
        cmd.insert(3, "shell")
        result = subprocess.run(cmd, input="import time\n" + textwrap.dedent(code), capture_output=True, text=True)
        lines = [line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("LIFECYCLE ")]
        if result.returncode or "Traceback" in result.stderr + result.stdout:
            print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
            raise SystemExit("The check failed.")
        for line in lines:
            name, value = line.rsplit(" ", 1)
            self.figures[name] = value
        return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=50000)
    parser.add_argument("--http-port", type=int, default=8173)
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    dbname = "crm_unified_view_lifecycle" + cuv.DB_SUFFIX
    commit, old_version, new_version = previous_release()
    pg.drop_database(dbname)
    check = Lifecycle(odoo_dir, pg, dbname, args.http_port)
    try:
        with tempfile.TemporaryDirectory() as old_addons:
            archive = subprocess.run(["git", "archive", commit, cuv.MODULE], cwd=cuv.ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", old_addons], input=archive, check=True)
            check.odoo("-i", BASE_MODULES, "--without-demo=all")
            check.shell("env.cr.execute(%r, {'customers': %d, 'orders': %d, 'company': env.company.id, "
                        "'currency': env.company.currency_id.id})\nenv.cr.commit()\n" % (
                            textwrap.dedent(bench_segmentation.GENERATE), args.customers, args.orders))
            check.odoo("-i", cuv.MODULE, addons=old_addons, label="install %s on %d customers, %d orders (s)" % (
                old_version, args.customers, args.orders))
            check.shell(GIVE_DATA, addons=old_addons)
            before = {name: check.figures.pop(name) for name in KEPT_FIGURES}
        check.odoo("-u", cuv.MODULE, label="upgrade to %s (s)" % new_version)
        check.shell(CHECK_UPGRADE)
        after = {name: check.figures.pop(name) for name in KEPT_FIGURES}
        if after != before or int(before["scored_customers"]) == 0:
            raise SystemExit("The upgrade lost segmentation figures: %s before, %s after." % (before, after))
        if check.figures.pop("version") != new_version:
            raise SystemExit("The upgrade did not reach %s." % new_version)
        check.shell(UNINSTALL)
        check.shell("import json\nowned = json.loads(%r)\n%s" % (check.figures.pop("owned"), CHECK_UNINSTALL))
        # Installing again after the uninstall: as on a database that never had the addon.
        check.odoo("-i", cuv.MODULE, label="install %s on %d customers, %d orders (s)" % (
            new_version, args.customers, args.orders))
        check.shell(CHECK_INSTALL)
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()
    for name, value in check.figures.items():
        print("LIFECYCLE %-60s %s" % (name, value if isinstance(value, str) else "%.2f" % value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
