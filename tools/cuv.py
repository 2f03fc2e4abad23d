#!/usr/bin/env python3
"""Run or test crm_unified_view in a real Odoo 18 with a real PostgreSQL.

    python3 tools/cuv.py run [--reset]   serve the demo database on http://localhost:8069
    python3 tools/cuv.py test            install in a fresh database and run every check,
                                         then install with demo data in another, then
                                         install/upgrade/uninstall on generated customers,
                                         then Odoo's own apps' tests with the addon installed
    python3 tools/cuv.py pot             regenerate crm_unified_view/i18n/crm_unified_view.pot

PostgreSQL: a server that answers PGHOST/PGPORT/PGUSER is used as it is; otherwise a
private throwaway cluster is started under .local/pg (git-ignored).
"""
import argparse
import contextlib
import getpass
import glob
import hashlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.path.join(ROOT, ".local")
MODULE = "crm_unified_view"
RUN_DB = "crm_unified_view"
# A suffix lets several checkouts or people test side by side on one server.
DB_SUFFIX = os.environ.get("CUV_DB_SUFFIX", "")
TEST_DB = "crm_unified_view_test" + DB_SUFFIX
DEMO_CHECK_DB = "crm_unified_view_demo_check" + DB_SUFFIX
ODOO_ROLE = "odoo"
PRIVATE_PORT = 54329
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")
SKIPPED_LINE = re.compile(r" INFO \S+ odoo\.addons\.%s\.tests\S*: skipped (?P<test>.*)" % MODULE)
RESULT_LINE = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests")
INSTALL_HINT = (
    "Odoo 18 is not importable by %s: install Odoo 18 from its official source tree "
    "(pip install -r requirements.txt then pip install -e <odoo-18-source>) or from the "
    "official Odoo 18 packages, then run this command again." % sys.executable
)


def say(message):
    print("[%s] %s" % (MODULE, message), flush=True)


def require_odoo():
    try:
        import odoo.release  # noqa: PLC0415
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        sys.exit(2)
    if odoo.release.version_info[0] != 18:
        print(INSTALL_HINT + " (found Odoo %s)" % odoo.release.version, file=sys.stderr)
        sys.exit(2)
    return os.path.dirname(odoo.release.__file__)


def addons_path(odoo_dir):
    # Source checkouts keep most addons beside the package; packaged installs inside it.
    candidates = [ROOT, os.path.join(os.path.dirname(odoo_dir), "addons"), os.path.join(odoo_dir, "addons")]
    return ",".join(path for path in candidates if os.path.isdir(path))


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
def pg_binary(name):
    found = shutil.which(name)
    if found:
        return found
    matches = sorted(glob.glob("/usr/lib/postgresql/*/bin/%s" % name))
    if not matches:
        sys.exit("PostgreSQL server binaries (%s) are not installed." % name)
    return matches[-1]


def connect(host, port, user, dbname="postgres"):
    import psycopg2  # noqa: PLC0415
    kwargs = {"dbname": dbname, "connect_timeout": 3}
    if host:
        kwargs["host"] = host
    if port:
        kwargs["port"] = port
    if user:
        kwargs["user"] = user
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    return conn


class Postgres:
    """Connection settings for Odoo, from the environment or a private cluster."""

    def __init__(self):
        self.host = os.environ.get("PGHOST")
        self.port = os.environ.get("PGPORT")
        self.user = os.environ.get("PGUSER") or getpass.getuser()
        self.password = os.environ.get("PGPASSWORD")
        self.private = False
        self.started_here = False

    def ensure(self):
        if any(os.environ.get(var) for var in ("PGHOST", "PGPORT", "PGUSER")) and self._answers():
            say("Using the PostgreSQL server at %s:%s as %s." % (self.host or "local socket", self.port or 5432, self.user))
            if self.user == "postgres":
                self._create_role()
            return self
        self._start_private_cluster()
        return self

    def _answers(self):
        try:
            connect(self.host, self.port, self.user).close()
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means "does not answer"
            say("No usable PostgreSQL at PGHOST/PGPORT/PGUSER (%s); starting a private one." % str(exc).strip())
            return False

    def _create_role(self):
        # Odoo refuses to connect as the postgres superuser.
        with contextlib.closing(connect(self.host, self.port, self.user)) as conn, conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ODOO_ROLE])
            if not cr.fetchone():
                cr.execute("CREATE ROLE %s LOGIN CREATEDB PASSWORD 'odoo'" % ODOO_ROLE)
        self.user, self.password = ODOO_ROLE, self.password or "odoo"

    def _as_server_user(self, args):
        # initdb refuses root: the cluster belongs to the postgres account then.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + args
        return args

    def _start_private_cluster(self):
        pg_dir = os.path.join(LOCAL, "pg")
        data = os.path.join(pg_dir, "data")
        digest = hashlib.sha1(ROOT.encode()).hexdigest()[:8]
        # Unix socket paths are limited to ~100 bytes: keep them short.
        sock = os.path.join(tempfile.gettempdir(), "cuv-pg-%s" % digest)
        os.makedirs(pg_dir, exist_ok=True)
        os.makedirs(sock, exist_ok=True)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            for path in (pg_dir, sock):
                os.chown(path, pw.pw_uid, pw.pw_gid)
            os.chmod(LOCAL, 0o755)
        if not os.path.exists(os.path.join(data, "PG_VERSION")):
            say("Creating a private PostgreSQL cluster in %s." % data)
            subprocess.run(self._as_server_user([
                pg_binary("initdb"), "-D", data, "-U", ODOO_ROLE, "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)
        self.host, self.port, self.user, self.password = sock, str(PRIVATE_PORT), ODOO_ROLE, None
        self.private = True
        pg_ctl = pg_binary("pg_ctl")
        status = subprocess.run(self._as_server_user([pg_ctl, "-D", data, "status"]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if status.returncode != 0:
            say("Starting the private PostgreSQL cluster (socket %s)." % sock)
            subprocess.run(self._as_server_user([
                pg_ctl, "-D", data, "-l", os.path.join(pg_dir, "server.log"), "-w", "start",
                "-o", "-c listen_addresses='' -k %s -p %d -c fsync=off -c full_page_writes=off" % (sock, PRIVATE_PORT),
            ]), check=True, stdout=subprocess.DEVNULL)
            self.started_here = True
        else:
            say("Reusing the private PostgreSQL cluster (socket %s)." % sock)

    def stop_if_started_here(self):
        """A throwaway cluster does not outlive the command that started it."""
        if self.started_here:
            subprocess.run(self._as_server_user([
                pg_binary("pg_ctl"), "-D", os.path.join(LOCAL, "pg", "data"), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL, check=False)

    def odoo_args(self):
        args = ["--db_user=%s" % self.user]
        if self.host:
            args.append("--db_host=%s" % self.host)
        if self.port:
            args.append("--db_port=%s" % self.port)
        if self.password:
            args.append("--db_password=%s" % self.password)
        return args

    def database_has_module(self, dbname):
        try:
            with contextlib.closing(connect(self.host, self.port, self.user, dbname)) as conn, conn.cursor() as cr:
                cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
                row = cr.fetchone()
                return bool(row and row[0] == "installed")
        except Exception:  # noqa: BLE001 - missing or broken database
            return False

    def drop_database(self, dbname):
        with contextlib.closing(connect(self.host, self.port, self.user)) as conn, conn.cursor() as cr:
            cr.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [dbname])
            cr.execute('DROP DATABASE IF EXISTS "%s"' % dbname)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def odoo_command(odoo_dir, pg, dbname, *extra):
    return [
        sys.executable, "-m", "odoo", "--addons-path=%s" % addons_path(odoo_dir),
        "--data-dir=%s" % os.path.join(LOCAL, "data"), "-d", dbname,
        "--db-filter=^%s$" % dbname, *pg.odoo_args(), *extra,
    ]


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


class OdooRun:
    """One Odoo process whose log is kept, echoed and read for results and errors."""

    def __init__(self, cmd, log_path, quiet):
        self.result, self.error_lines, self.skipped = None, [], []
        with open(log_path, "w", encoding="utf-8") as log, subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
        ) as proc:
            for line in proc.stdout:
                log.write(line)
                match = LOG_LINE.match(line)
                level = match["level"] if match else None
                if level in ("ERROR", "CRITICAL"):
                    self.error_lines.append(line.rstrip())
                if not quiet or level not in ("INFO", "DEBUG", None):
                    sys.stdout.write(line)
                if SKIPPED_LINE.search(line):
                    self.skipped.append(line.rstrip())
                found = RESULT_LINE.search(line)
                if found and "when loading database" in line:
                    self.result = found
            self.returncode = proc.wait()


# Checks of the full run, each a script in tools/ counted as one item: what it does, what failed.
CHECKS = [
    # A company's database: install the previous release on customers and orders, upgrade, uninstall.
    ("lifecycle_check.py", "Installing, upgrading and uninstalling %s on a database with customers and orders." % MODULE,
     "The install-upgrade-uninstall check failed."),
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


def command_test(args):
    odoo_dir = require_odoo()
    if not browser_available():
        print("Browser tests need Chromium on the PATH (Debian: apt-get install chromium); "
              "they are never skipped.", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    pg = Postgres().ensure()
    os.makedirs(LOCAL, exist_ok=True)
    passed = failed = 0

    say("Installing %s in a fresh database %s and running its tests." % (MODULE, TEST_DB))
    pg.drop_database(TEST_DB)
    log_path = os.path.join(LOCAL, "test%s.log" % DB_SUFFIX)
    tests = OdooRun(odoo_command(
        odoo_dir, pg, TEST_DB, "-i", MODULE, "--without-demo=all", "--test-enable",
        "--test-tags=%s" % (args.tags or "/%s" % MODULE), "--stop-after-init",
        "--http-port=%d" % args.http_port, "--max-cron-threads=0", "--log-level=info",
    ), log_path, args.quiet)
    if tests.result:
        failed = int(tests.result["failed"]) + int(tests.result["errors"])
        # Failed subtests are counted on top of their test: never report fewer than 0 passed.
        passed = max(int(tests.result["total"]) - failed, 0)
    if not tests.result or passed + failed == 0:
        say("Odoo ran no test (install failed?): see %s." % log_path)
        failed += 1
    elif tests.returncode and not failed:
        say("Odoo exited with code %s." % tests.returncode)
        failed += 1
    if tests.skipped:
        # Every test must run here: a skipped browser test hides a missing Chromium or library.
        report_lines("%d skipped test(s) count as failed:" % len(tests.skipped), tests.skipped)
        passed -= len(tests.skipped)
        failed += len(tests.skipped)
    if tests.error_lines and not failed:
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
        ), os.path.join(LOCAL, "demo-install%s.log" % DB_SUFFIX), args.quiet)
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
    """Regenerate i18n/crm_unified_view.pot from a scratch database."""
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
    return 0


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
