#!/usr/bin/env python3
"""Odoo's own apps behave as before with crm_unified_view installed (prints its figures).

    python3 tools/coexistence_check.py [--http-port 8069]

In a scratch database: installs Contacts, CRM, Sales, Invoicing, Employees, Survey and
Website together with the addon, and runs a selection of those apps' OWN tests (the ones
over what the addon extends: partners, leads, sales orders, invoices, employees, surveys,
website pages and the contacts app in the browser), plus the addon's help-page tests, which
there render inside the Website layout instead of the portal one. Exits non-zero on any
failed test or ERROR line. Called by ``tools/cuv.py test``.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402

MODULES = "contacts,crm,sale_management,account,hr,survey,website," + cuv.MODULE
# Odoo's own test classes over what the addon extends; the whole suites of these apps take
# hours on two cores, these a few minutes.
ODOO_TESTS = [
    "/base:TestPartner", "/base:TestPartnerAddressCompany", "/base:TestPartnerForm",
    "/contacts:TestUi",
    "/crm:TestCRMLead",
    "/sale:TestSaleOrder", "/sale:TestSalesTeam",
    "/account:TestAccountMoveOutInvoiceOnchanges",
    "/hr:TestHrEmployee",
    "/survey:TestSurveyInternals",
    "/website:TestControllers",
]
OWN_TESTS = ["/%s:TestKnowledgeHelpPages" % cuv.MODULE]
# Tests that need a translation an Odoo source may leave out (a source trimmed to the
# languages a company uses): (test, language file it reads, relative to the odoo package).
NEEDS_TRANSLATION = [
    ("/base:TestPartner.test_display_name_translation", "addons/base/i18n/fr.po"),
]


def test_tags(odoo_dir):
    """The tests to run; the ones whose translation this Odoo lacks are left out, and said so."""
    excluded = [test for test, po in NEEDS_TRANSLATION if not os.path.exists(os.path.join(odoo_dir, po))]
    for test in excluded:
        print("COEXISTENCE %-60s %s" % ("left out: this Odoo has no translation for", test))
    return ",".join(ODOO_TESTS + OWN_TESTS + ["-" + test for test in excluded])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--http-port", type=int, default=8069)
    parser.add_argument("--quiet", action="store_true", default=True)
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    dbname = "crm_unified_view_coexistence" + cuv.DB_SUFFIX
    pg.drop_database(dbname)
    log_path = os.path.join(cuv.LOCAL, "coexistence%s.log" % cuv.DB_SUFFIX)
    os.makedirs(cuv.LOCAL, exist_ok=True)
    start = time.monotonic()
    try:
        run = cuv.OdooRun(cuv.odoo_command(
            odoo_dir, pg, dbname, "-i", MODULES, "--without-demo=all", "--test-enable",
            "--test-tags=%s" % test_tags(odoo_dir), "--stop-after-init",
            "--http-port=%d" % args.http_port, "--max-cron-threads=0", "--log-level=info",
        ), log_path, args.quiet)
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()
    total = int(run.result["total"]) if run.result else 0
    failed = int(run.result["failed"]) + int(run.result["errors"]) if run.result else 0
    print("COEXISTENCE %-60s %s" % ("modules installed", MODULES))
    print("COEXISTENCE %-60s %d" % ("tests run (Odoo's own and the help pages in Website)", total))
    print("COEXISTENCE %-60s %d" % ("tests failed", failed))
    print("COEXISTENCE %-60s %.1f" % ("wall time (s)", time.monotonic() - start))
    if not total or failed or run.returncode or run.error_lines or run.skipped:
        cuv.report_lines("Odoo's apps do not behave as before (see %s):" % log_path,
                         run.error_lines + run.skipped)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
