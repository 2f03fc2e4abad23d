"""The project's commands: run the demo, test everything, regenerate the translation template."""
import glob
import os
import shutil
import signal
import subprocess
import sys
import unittest

from . import LOCAL, MODULE, ROOT, say
from .odoo_process import OdooRun, odoo_command, require_odoo
from .postgres import Postgres

RUN_DB = "crm_unified_view"
# A suffix lets several checkouts or people test side by side on one server.
DB_SUFFIX = os.environ.get("CUV_DB_SUFFIX", "")
TEST_DB = "crm_unified_view_test" + DB_SUFFIX
DEMO_CHECK_DB = "crm_unified_view_demo_check" + DB_SUFFIX


def command_run(args):
    odoo_dir = require_odoo()
    pg = Postgres().ensure()
    if args.reset:
        say("Dropping database %s (--reset)." % RUN_DB)
        pg.drop_database(RUN_DB)
    if pg.database_has_module(RUN_DB):
        say("Reusing database %s and updating %s in it (use --reset to recreate it)." % (RUN_DB, MODULE))
        install = ["-u", MODULE]
    else:
        say("Creating database %s with demo data and installing %s." % (RUN_DB, MODULE))
        pg.drop_database(RUN_DB)
        install = ["-i", MODULE, "--load-language=zh_CN,zh_TW"]
    say("Serving http://localhost:%d (login admin / admin); Ctrl+C stops." % args.port)
    cmd = odoo_command(odoo_dir, pg, RUN_DB, *install, "--http-port=%d" % args.port)
    proc = subprocess.Popen(cmd)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()
    finally:
        pg.stop_if_started_here()


def browser_available():
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))


def run_pylint():
    try:
        import pylint_odoo  # noqa: F401, PLC0415
    except ImportError:
        say("pylint-odoo is missing: pip install -r requirements-dev.txt")
        return False
    result = subprocess.run(
        [sys.executable, "-m", "pylint", "--rcfile=%s" % os.path.join(ROOT, ".pylintrc"), MODULE],
        cwd=ROOT, capture_output=True, text=True,
    )
    print(result.stdout, end="")
    print(result.stderr, end="", file=sys.stderr)
    return result.returncode == 0


# Checks of the full run, each a script in tools/ counted as one item: what it does, what failed.
CHECKS = [
    # A company's database: install the previous release on customers and orders, upgrade, uninstall.
    ("lifecycle_check.py", "Installing, upgrading and uninstalling %s on a database with customers and orders." % MODULE,
     "The install-upgrade-uninstall check failed."),
    # Two Odoo processes never run one company's segmentation at the same time.
    ("lock_check.py", "Starting two Odoo processes that run one company's segmentation at once.",
     "Two processes ran one company's segmentation at the same time."),
    # Odoo's own apps, with the addon installed, pass their own tests.
    ("coexistence_check.py", "Running tests of Odoo's own apps with %s installed." % MODULE,
     "Odoo's own apps do not behave as before with %s installed." % MODULE),
]


def run_check(script, http_port):
    """Run tools/<script>, print the end of its output; True when it passed."""
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", script), "--http-port=%d" % http_port],
                            capture_output=True, text=True)
    print(result.stdout[-6000:], end="")
    if result.returncode:
        print(result.stderr[-3000:], end="", file=sys.stderr)
    return result.returncode == 0


def report_lines(title, lines):
    say(title)
    for line in lines[:20]:
        print("    " + line)


def run_tool_tests():
    """The command-line helpers' own tests (set-up logic): (passed, failed)."""
    suite = unittest.defaultTestLoader.discover(os.path.join(ROOT, "tools", "tests"), top_level_dir=os.path.join(ROOT, "tools"))
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(suite)
    failed = len(result.failures) + len(result.errors)
    return result.testsRun - failed, failed


def command_test(args):
    try:
        odoo_dir = require_odoo()
    except SystemExit:
        print("0 passed, 1 failed", flush=True)
        raise
    if not browser_available():
        print("Browser tests need Chromium on the PATH (Debian: apt-get install chromium); "
              "they are never skipped.", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    pg = Postgres().ensure()
    os.makedirs(LOCAL, exist_ok=True)
    passed = failed = 0
    if not args.tags:
        say("Testing the set-up of the project's commands.")
        passed, failed = run_tool_tests()

    say("Installing %s in a fresh database %s and running its tests." % (MODULE, TEST_DB))
    pg.drop_database(TEST_DB)
    log_path = os.path.join(LOCAL, "test%s.log" % DB_SUFFIX)
    tests = OdooRun(odoo_command(
        odoo_dir, pg, TEST_DB, "-i", MODULE, "--without-demo=all", "--test-enable",
        "--test-tags=%s" % (args.tags or "/%s" % MODULE), "--stop-after-init",
        "--http-port=%d" % args.http_port, "--max-cron-threads=0", "--log-level=info",
    ), log_path, args.quiet)
    odoo_passed = odoo_failed = 0
    if tests.result:
        odoo_failed = int(tests.result["failed"]) + int(tests.result["errors"])
        # Failed subtests are counted on top of their test: never report fewer than 0 passed.
        odoo_passed = max(int(tests.result["total"]) - odoo_failed, 0)
    passed, failed = passed + odoo_passed, failed + odoo_failed
    if not tests.result or odoo_passed + odoo_failed == 0:
        say("Odoo ran no test (install failed?): see %s." % log_path)
        failed += 1
    elif tests.returncode and not odoo_failed:
        say("Odoo exited with code %s." % tests.returncode)
        failed += 1
    if tests.skipped:
        # Every test must run here: a skipped browser test hides a missing Chromium or library.
        report_lines("%d skipped test(s) count as failed:" % len(tests.skipped), tests.skipped)
        passed -= len(tests.skipped)
        failed += len(tests.skipped)
    if tests.error_lines and not odoo_failed:
        report_lines("ERROR/CRITICAL lines in the log count as a failure:", tests.error_lines)
        failed += 1
    if pg.private and not args.keep_db:
        pg.drop_database(TEST_DB)

    if not args.tags:
        # The demo data is what the run command shows: it must install cleanly too.
        say("Installing %s with its demo data in a fresh database %s." % (MODULE, DEMO_CHECK_DB))
        pg.drop_database(DEMO_CHECK_DB)
        demo = OdooRun(odoo_command(
            odoo_dir, pg, DEMO_CHECK_DB, "-i", MODULE, "--stop-after-init", "--http-port=%d" % args.http_port,
            "--max-cron-threads=0", "--log-level=info",
        ), os.path.join(LOCAL, "demo-install%s.log" % DB_SUFFIX), args.quiet,
            # Odoo only warns, and installs the addon without its demo data.
            also_errors=("demo data failed to install",))
        pg.drop_database(DEMO_CHECK_DB)
        if demo.returncode or demo.error_lines:
            report_lines("The install with demo data failed:", demo.error_lines)
            failed += 1
        else:
            passed += 1

    if not args.tags:
        for script, doing, failure in CHECKS:
            say(doing)
            if run_check(script, args.http_port):
                passed += 1
            else:
                say(failure)
                failed += 1

    say("Running pylint-odoo on %s." % MODULE)
    if run_pylint():
        passed += 1
    else:
        say("pylint-odoo reported errors.")
        failed += 1
    pg.stop_if_started_here()
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


def command_pot(args):
    """Regenerate i18n/crm_unified_view.pot from a scratch database, then bring every .po in
    line with it (its order, references and flags; translations kept, obsolete ones dropped)."""
    odoo_dir = require_odoo()
    pg = Postgres().ensure()
    dbname = TEST_DB + "_pot"
    pg.drop_database(dbname)
    pot = os.path.join(ROOT, MODULE, "i18n", "%s.pot" % MODULE)
    try:
        for step in (["-i", MODULE, "--without-demo=all"],
                     ["--i18n-export=%s" % pot, "--modules=%s" % MODULE]):
            subprocess.run(odoo_command(odoo_dir, pg, dbname, *step, "--stop-after-init", "--http-port=%d" % args.http_port,
                                        "--log-level=warn"), check=True)
    finally:
        pg.drop_database(dbname)
        pg.stop_if_started_here()
    say("Wrote %s." % pot)
    import polib  # noqa: PLC0415 - one of Odoo's requirements, importable once Odoo is
    template = polib.pofile(pot)
    for path in sorted(glob.glob(os.path.join(ROOT, MODULE, "i18n", "*.po"))):
        catalog = polib.pofile(path)
        catalog.merge(template)
        catalog[:] = [entry for entry in catalog if not entry.obsolete]
        catalog.save(path)
        untranslated = catalog.untranslated_entries()
        say("Updated %s: %d terms%s." % (os.path.basename(path), len(catalog),
                                         ", %d to translate" % len(untranslated) if untranslated else ""))
    return 0
