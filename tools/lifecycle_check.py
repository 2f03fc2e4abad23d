#!/usr/bin/env python3
"""Install, upgrade and uninstall crm_unified_view on a database that already has customers.

    python3 tools/lifecycle_check.py [--customers 5000] [--orders 50000]

In a scratch database: installs Odoo's Contacts, Sales, Invoicing, CRM, Employees and
Survey; generates customers and confirmed orders; installs the previous release of the
addon (from git history) and gives it data; upgrades to the working tree and checks the
data survived the migration; uninstalls and checks that nothing of the addon is left and
that Odoo still works. Prints the figures it measured; exits non-zero on any failure.
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

GIVE_DATA = """
partner = env["res.partner"].search([("name", "=", "Bench customer 1")])
run = env["crm.segmentation.run"].create({"n_segments": 4})
run.action_run()
env["crm.complaint"].create({"subject": "Lifecycle complaint", "partner_id": partner.id})
env.cr.commit()
print("LIFECYCLE results", env["crm.segmentation.result"].search_count([("run_id", "=", run.id)]))
"""

CHECK_UPGRADE = """
run = env["crm.segmentation.run"].search([], limit=1)
assert run.state == "done", run.state
print("LIFECYCLE results", env["crm.segmentation.result"].search_count([("run_id", "=", run.id)]))
assert env["crm.complaint"].search_count([("subject", "=", "Lifecycle complaint")]) == 1
env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'crm_segmentation_result'")
columns = {row[0] for row in env.cr.fetchall()}
assert not columns & {"company_id", "create_uid", "write_uid"}, columns
module = env["ir.module.module"].search([("name", "=", "crm_unified_view")])
print("LIFECYCLE version", module.latest_version)
start = time.monotonic()
env["crm.segmentation.run"].create({"n_segments": 4}).action_run()
print("LIFECYCLE nightly_run_seconds %.2f" % (time.monotonic() - start))
env.cr.commit()
"""

UNINSTALL = """
start = time.monotonic()
env["ir.module.module"].search([("name", "=", "crm_unified_view")]).button_immediate_uninstall()
print("LIFECYCLE uninstall_seconds %.2f" % (time.monotonic() - start))
"""

# After the uninstall, in a fresh registry: nothing of the addon, and Odoo's own apps work.
CHECK_UNINSTALL = """
leftovers = {}
def count(label, query, params=()):
    env.cr.execute(query, params)
    found = [row[0] for row in env.cr.fetchall()]
    if found:
        leftovers[label] = found[:10]
count("tables", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND ("
      "table_name LIKE 'crm_complaint%%' OR table_name LIKE 'crm_segment%%' OR table_name LIKE 'crm_knowledge%%' "
      "OR table_name LIKE 'crm_reply%%' OR table_name LIKE 'crm_customer%%' OR table_name LIKE 'crm_private%%')")
count("res_partner columns", "SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner' "
      "AND column_name IN ('rfm_score', 'segment_id', 'customer_npv', 'data_accuracy', 'complaint_count', "
      "'lifecycle_stage', 'customer_properties', 'value_tier')")
count("xml ids", "SELECT name FROM ir_model_data WHERE module = 'crm_unified_view'")
count("models", "SELECT model FROM ir_model WHERE model LIKE 'crm.complaint%%' OR model LIKE 'crm.segment%%' "
      "OR model LIKE 'crm.knowledge%%' OR model LIKE 'crm.private%%' OR model LIKE 'crm.customer.%%'")
count("crons", "SELECT s.code FROM ir_cron c JOIN ir_act_server s ON s.id = c.ir_actions_server_id "
      "WHERE s.code ~ '_cron_(refresh_data_quality|check_deadlines|send_digest|run_segmentation)\\(\\)'")
count("rules", "SELECT r.name FROM ir_rule r JOIN ir_model m ON m.id = r.model_id "
      "WHERE r.domain_force LIKE '%%department_ids%%' OR r.domain_force LIKE '%%knowledge%%'")
count("activity types", "SELECT res_model FROM mail_activity_type WHERE res_model LIKE 'crm.complaint%%'")
count("config parameters", "SELECT key FROM ir_config_parameter WHERE key LIKE 'crm_unified_view.%%'")
count("views", "SELECT name FROM ir_ui_view WHERE arch_db::text LIKE '%%crm_unified_view%%'")
assert not leftovers, leftovers
# Odoo's own apps behave as before
partner = env["res.partner"].create({"name": "After uninstall"})
env["res.partner"].get_views([(False, "form"), (False, "list")])
partner.web_read({"display_name": {}, "email": {}})
product = env["product.product"].create({"name": "After uninstall", "list_price": 10})
order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {"product_id": product.id})]})
order.action_confirm()
assert order.state == "sale"
env["crm.lead"].create({"name": "After uninstall", "partner_id": partner.id})
env.cr.rollback()
print("LIFECYCLE uninstall_clean 1")
"""


def manifest_version(source):
    return ast.literal_eval(source)["version"]


def previous_release():
    """The newest commit whose manifest has another version than the working tree's."""
    current = manifest_version(open(os.path.join(cuv.ROOT, MANIFEST), encoding="utf-8").read())
    commits = subprocess.run(["git", "log", "--format=%H", "--", MANIFEST], cwd=cuv.ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    for commit in commits:
        source = subprocess.run(["git", "show", "%s:%s" % (commit, MANIFEST)], cwd=cuv.ROOT, check=True,
                                capture_output=True, text=True).stdout
        if manifest_version(source) != current:
            return commit, manifest_version(source), current
    raise SystemExit("No previous release of %s in the git history." % cuv.MODULE)


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
            results_before = check.figures.pop("results")
        check.odoo("-u", cuv.MODULE, label="upgrade to %s (s)" % new_version)
        check.shell(CHECK_UPGRADE)
        if check.figures.pop("results") != results_before:
            raise SystemExit("The upgrade lost segmentation results.")
        if check.figures.pop("version") != new_version:
            raise SystemExit("The upgrade did not reach %s." % new_version)
        check.shell(UNINSTALL)
        check.shell(CHECK_UNINSTALL)
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()
    for name, value in check.figures.items():
        print("LIFECYCLE %-60s %s" % (name, value if isinstance(value, str) else "%.2f" % value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
