#!/usr/bin/env python3
"""Run or test crm_unified_view in a real Odoo 18 with a real PostgreSQL.

    python3 tools/cuv.py run [--reset]   serve the demo database on http://localhost:8069
    python3 tools/cuv.py test            install in a fresh database and run every check,
                                         then install with demo data in another, then
                                         install/upgrade/uninstall on generated customers,
                                         then Odoo's own apps' tests with the addon installed
    python3 tools/cuv.py pot             regenerate crm_unified_view/i18n/crm_unified_view.pot

Odoo 18: with ODOO_SOURCE set (an Odoo 18 source archive, its URL, or a source directory),
or when this Python does not import Odoo 18, the commands build .local/venv (git-ignored)
and run from it; otherwise they use this Python's Odoo.
PostgreSQL: a server that answers PGHOST/PGPORT/PGUSER is used as it is; otherwise a
private throwaway cluster is started under .local/pg (git-ignored).
"""
import argparse
import sys

from cuvlib import LOCAL, MODULE, ROOT, say  # noqa: F401  (re-exported for the other tools)
from cuvlib.commands import (  # noqa: F401
    DB_SUFFIX, TEST_DB, command_pot, command_run, command_test, report_lines,
)
from cuvlib.odoo_process import OdooRun, addons_path, odoo_command, require_odoo  # noqa: F401
from cuvlib.postgres import Postgres  # noqa: F401


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve the demo database")
    run.add_argument("--reset", action="store_true", help="drop and recreate the demo database")
    run.add_argument("--port", type=int, default=8069)
    test = sub.add_parser("test", help="install in a fresh database and run all checks")
    test.add_argument("--tags", help="Odoo --test-tags (default: every test of the module)")
    test.add_argument("--http-port", type=int, default=8169)
    test.add_argument("--keep-db", action="store_true", help="keep the test database afterwards")
    test.add_argument("--quiet", action="store_true", help="print only warnings and errors from Odoo")
    pot = sub.add_parser("pot", help="regenerate the translation template")
    pot.add_argument("--http-port", type=int, default=8170)
    args = parser.parse_args()
    return {"run": command_run, "test": command_test, "pot": command_pot}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
