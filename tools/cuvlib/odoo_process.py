"""Odoo processes: which Odoo, its command line, and reading its log for results and errors."""
import atexit
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

from . import LOCAL, MODULE, ROOT, environment
from .postgres import Postgres

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")
SKIPPED_LINE = re.compile(r" INFO \S+ odoo\.addons\.%s\.tests\S*: skipped (?P<test>.*)" % MODULE)
RESULT_LINE = re.compile(r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests")

# What requirements.txt brings, by import name.
ADDON_IMPORTS = ("pandas", "numpy", "scipy", "sklearn", "phonenumbers", "jieba", "opencc", "chinese_calendar")


def require_odoo():
    """The directory of the odoo package, after moving into .local/venv when this Python lacks it."""
    try:
        environment.ensure([os.path.abspath(sys.argv[0])] + sys.argv[1:])
    except environment.SetupError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    try:
        import odoo.release  # noqa: PLC0415
    except ImportError:
        sys.exit("%s cannot import Odoo: delete .local/venv to have it built again." % sys.executable)
    missing = [name for name in ADDON_IMPORTS if importlib.util.find_spec(name) is None]
    if missing:
        sys.exit("%s has Odoo 18 but not the addon's requirements (%s): run %s -m pip install -r %s, or set "
                 "ODOO_SOURCE to build .local/venv instead." % (
                     sys.executable, ", ".join(missing), sys.executable, os.path.join(ROOT, "requirements.txt")))
    return os.path.dirname(odoo.release.__file__)


def addons_path(odoo_dir):
    # Source checkouts keep most addons beside the package; packaged installs inside it.
    candidates = [ROOT, os.path.join(os.path.dirname(odoo_dir), "addons"), os.path.join(odoo_dir, "addons")]
    return ",".join(path for path in candidates if os.path.isdir(path))


def odoo_command(odoo_dir, pg, dbname, *extra):
    return [
        sys.executable, "-m", "odoo", "--addons-path=%s" % addons_path(odoo_dir),
        "--data-dir=%s" % os.path.join(LOCAL, "data"), "-d", dbname,
        "--db-filter=^%s$" % dbname, *pg.odoo_args(), *extra,
    ]


# Scripts that run inside ``odoo shell`` (which gives them ``env``); PARAMS_VARIABLE names a
# JSON file of their parameters (an environment variable would cap their size).
SHELL_SCRIPTS = os.path.join(ROOT, "tools", "shell")
PARAMS_VARIABLE = "CUV_SHELL_PARAMS"


def shell_command(odoo_dir, pg, dbname, addons=None):
    """``odoo shell`` on ``dbname``; ``addons``, an older copy of the addon, wins over the working tree."""
    cmd = odoo_command(odoo_dir, pg, dbname, "--log-level=warn", "--no-http")
    cmd.insert(3, "shell")  # python -m odoo shell <options>
    if addons:
        cmd = [part.replace("--addons-path=", "--addons-path=%s," % addons) for part in cmd]
    return cmd


def start_script(cmd, script, params=None, environ=None):
    """Start tools/shell/``script`` in the shell ``cmd``: a process whose output is piped."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="cuv-params-", delete=False) as stream:
        json.dump(params or {}, stream)
    atexit.register(os.remove, stream.name)
    env = dict(environ or os.environ, **{PARAMS_VARIABLE: stream.name})
    with open(os.path.join(SHELL_SCRIPTS, script), encoding="utf-8") as stdin:
        return subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_script(cmd, script, params=None, environ=None, timeout=None):
    """Run tools/shell/``script`` to its end: (return code, stdout, stderr)."""
    process = start_script(cmd, script, params, environ)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return process.returncode, stdout, stderr


def generate_sales(cmd, customers, orders, lines=True):
    """Bench customers and their confirmed orders (with their lines unless not ``lines``) in the
    database of the shell ``cmd``."""
    code, stdout, stderr = run_script(cmd, "generate_sales.py", {
        "customers": customers, "orders": orders, "lines": lines,
        "sql": os.path.join(ROOT, "tools", "sql", "generate_sales.sql")})
    if code or "Traceback" in stdout + stderr:
        print(stdout[-4000:], stderr[-4000:], sep="\n")
        raise SystemExit("Generating %d customers and %d orders failed." % (customers, orders))


def print_figures(stdout, stderr):
    """Print the figures a benchmark's shell script printed (its lines ``BENCH <figure>``), or the end
    of its output when there are none. Returns the exit code: 1 without figures or after a check
    that printed FAILED."""
    lines = [line[6:] for line in stdout.splitlines() if line.startswith("BENCH ")]
    print("\n".join(lines) or stdout[-3000:] + stderr[-3000:])
    return 0 if lines and "FAILED" not in stdout else 1


def run_benchmark(database, script, params, http_port, keep=False, prepare=None):
    """A benchmark in the scratch ``database``: the addon installed without demo data (the
    database dropped first; with ``keep``, one that has the addon is upgraded instead, and kept),
    ``prepare(shell)`` given the ``odoo shell`` command, then tools/shell/``script`` run with
    ``params`` and its figures printed (:func:`print_figures`). Returns the exit code."""
    odoo_dir = require_odoo()  # first: it may start this tool again in the project's virtualenv
    pg = Postgres().ensure()
    kept = keep and pg.database_has_module(database)
    if not kept:
        pg.drop_database(database)
    try:
        subprocess.run(odoo_command(odoo_dir, pg, database, "-u" if kept else "-i", MODULE, "--without-demo=all",
                                    "--stop-after-init", "--log-level=warn", "--http-port=%d" % http_port),
                       check=True)
        shell = shell_command(odoo_dir, pg, database)
        if prepare:
            prepare(shell)
        _code, stdout, stderr = run_script(shell, script, params)
        return print_figures(stdout, stderr)
    finally:
        if not keep:
            pg.drop_database(database)
        pg.stop_if_started_here()


class OdooRun:
    """One Odoo process whose log is kept, echoed and read for results and errors."""

    def __init__(self, cmd, log_path, quiet, also_errors=()):
        """``also_errors``: texts that make a line an error whatever its level."""
        self.result, self.error_lines, self.skipped = None, [], []
        with open(log_path, "w", encoding="utf-8") as log, subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
        ) as proc:
            for line in proc.stdout:
                log.write(line)
                match = LOG_LINE.match(line)
                level = match["level"] if match else None
                if level in ("ERROR", "CRITICAL") or any(text in line for text in also_errors):
                    self.error_lines.append(line.rstrip())
                if not quiet or level not in ("INFO", "DEBUG", None):
                    sys.stdout.write(line)
                if SKIPPED_LINE.search(line):
                    self.skipped.append(line.rstrip())
                found = RESULT_LINE.search(line)
                if found and "when loading database" in line:
                    self.result = found
            self.returncode = proc.wait()
