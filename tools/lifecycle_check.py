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
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402
from cuvlib.odoo_process import generate_sales, run_script, shell_command  # noqa: E402

BASE_MODULES = "contacts,sale_management,account,crm,hr,survey,portal"
MANIFEST = "%s/__manifest__.py" % cuv.MODULE
# The commit each version was released from (add one at each version bump): the check
# upgrades from the newest release older than the working tree.
RELEASES = {
    "18.0.1.0.0": "6ce5680912b088d33dfceca81126c4119fec58e4",
    "18.0.1.1.0": "fd8b3e49e4e87029eb78619362bedeceedde0a88",
    "18.0.1.2.0": "28f6af4b14b6aad3fdcbe11473b155598d642954",
    "18.0.1.3.0": "63833ca7ba25d515ab9637cc70b49979db793589",
    "18.0.1.4.0": "1f8b758b59bfa1b3009fe7b83e74cb87e6924e28",
    "18.0.1.5.0": "2dfabe95c50fd772c1ab5c938b97aabb539b019a",
    "18.0.1.6.0": "01b22818429fe1aac05544ae3f476bbc4780ab9b",
    "18.0.1.7.0": "c1c100e8eef17449931e7547b53a14c331cf3f82",
    "18.0.1.8.0": "2ac34c0b6def836a2876040c7e8f1978fde4a9cf",
    "18.0.1.9.0": "6e4e31a96fd77dbe911a58a86a7173788534dcae",
    "18.0.1.10.0": "80f2a887420fb9e2a305f54d466169d2e00ab70e",
    "18.0.1.11.0": "fd3b5e3eda5a178fc4e948d5acb581db3d83db7c",
    "18.0.1.12.0": "919d568109009e8dfaf70e176b2686d190a2f296",
    "18.0.1.13.0": "52c449382ab642cc226e470c223951d53b65e4fb",
    "18.0.1.14.0": "aa91bb0f6b55709f426930c9337c8d74e7315bc4",
    "18.0.1.15.0": "49058ca6a4341ee21f4f5ae36fcbbf20449324d2",
    "18.0.1.16.0": "7a9e7a0df1d8d57441ff607e4f7c70bcdf4a61ce",
    "18.0.1.17.0": "13e3708bc4625a1d4f9f4e0e3cfeec2c1e69b83e",
}

# Figures printed before and after the upgrade, which must be equal.
KEPT_FIGURES = ("results", "scored_customers", "scored_purchases", "segmented_customers", "complaints_counted")

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

    def shell_command(self, addons=None):
        return shell_command(self.odoo_dir, self.pg, self.dbname, addons=addons)

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

    def shell(self, script, addons=None, **params):
        """Run tools/shell/<script>; its ``LIFECYCLE <name> <value>`` lines become figures."""
        code, stdout, stderr = run_script(self.shell_command(addons), script, params)
        if code or "Traceback" in stderr + stdout:
            print(stdout[-4000:], stderr[-4000:], sep="\n")
            raise SystemExit("The check %s failed." % script)
        for line in stdout.splitlines():
            if line.startswith("LIFECYCLE "):
                name, value = line.split(" ", 1)[1].rsplit(" ", 1)
                self.figures[name] = value


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
            generate_sales(check.shell_command(), args.customers, args.orders)
            check.odoo("-i", cuv.MODULE, addons=old_addons, label="install %s on %d customers, %d orders (s)" % (
                old_version, args.customers, args.orders))
            check.shell("lifecycle_give_data.py", addons=old_addons)
            check.shell("lifecycle_figures.py", addons=old_addons)
            before = {name: check.figures.pop(name) for name in KEPT_FIGURES}
        check.odoo("-u", cuv.MODULE, label="upgrade to %s (s)" % new_version)
        check.shell("lifecycle_check_upgrade.py")
        check.shell("lifecycle_figures.py")
        after = {name: check.figures.pop(name) for name in KEPT_FIGURES}
        if after != before or int(before["scored_customers"]) == 0:
            raise SystemExit("The upgrade lost segmentation figures: %s before, %s after." % (before, after))
        if check.figures.pop("version") != new_version:
            raise SystemExit("The upgrade did not reach %s." % new_version)
        check.shell("lifecycle_uninstall.py")
        check.shell("lifecycle_check_uninstall.py", owned=json.loads(check.figures.pop("owned")))
        # Installing again after the uninstall: as on a database that never had the addon.
        check.odoo("-i", cuv.MODULE, label="install %s on %d customers, %d orders (s)" % (
            new_version, args.customers, args.orders))
        check.shell("lifecycle_check_install.py")
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()
    for name, value in check.figures.items():
        print("LIFECYCLE %-60s %s" % (name, value if isinstance(value, str) else "%.2f" % value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
