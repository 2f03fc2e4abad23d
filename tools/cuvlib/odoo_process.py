"""Odoo processes: which Odoo, its command line, and reading its log for results and errors."""
import importlib.util
import os
import re
import subprocess
import sys

from . import LOCAL, MODULE, ROOT, environment

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
