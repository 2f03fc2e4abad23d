"""The Python that runs Odoo 18 for the project's commands: the one running them when it
imports Odoo 18, else a virtual environment in .local/venv built from ODOO_SOURCE.

Standard library only: this module runs before any Odoo or addon requirement exists.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile

from . import LOCAL, ROOT, say

VENV = os.path.join(LOCAL, "venv")
STAMP = os.path.join(VENV, "cuv-build.json")
BUILD_LOG = os.path.join(LOCAL, "venv-build.log")
DOWNLOADS = os.path.join(LOCAL, "downloads")
UNPACKED = os.path.join(LOCAL, "odoo-source")
DEFAULT_SOURCE = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
# Set in the environment of a command re-started inside .local/venv, so it never loops.
INSIDE_MARK = "CUV_INSIDE_VENV"
SUPPORTED_PYTHONS = ((3, 10), (3, 11), (3, 12))
# Old source distributions among Odoo's pins do not build with newer setuptools.
BUILD_CONSTRAINT = "setuptools<70\n"
# Only LDAP login needs it, and it builds only where the OpenLDAP headers are installed.
OPTIONAL_REQUIREMENTS = ("python-ldap",)
LDAP_HEADER = "/usr/include/ldap.h"
PROJECT_REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")


class SetupError(Exception):
    """A step of the set-up failed: ``step`` says which, the message what to do."""

    def __init__(self, step, message):
        super().__init__("Setting up Odoo 18 failed at step '%s': %s" % (step, message))
        self.step = step


# ---------------------------------------------------------------------------
# Decisions (pure)
# ---------------------------------------------------------------------------
def choose_python(source_given, current_imports_odoo, inside_venv):
    """'current' to run with this interpreter, 'venv' to run from .local/venv.

    An explicit ODOO_SOURCE asks for that Odoo, whatever this interpreter has; without it, an
    interpreter that imports Odoo 18 is a company's own install and is used as it is.
    """
    if inside_venv:
        return "current"
    if source_given:
        return "venv"
    return "current" if current_imports_odoo else "venv"


def needs_build(recorded, wanted):
    """True when .local/venv is missing, half-built, or was built from other inputs."""
    return recorded is None or recorded != wanted


def wanted_source(environ, recorded):
    """The Odoo source to build from: ODOO_SOURCE, else the one the environment was built
    from (a reuse never switches source behind the user's back), else the nightly archive."""
    given = environ.get("ODOO_SOURCE", "").strip()
    if given:
        return given
    if recorded and recorded.get("source", {}).get("location"):
        return recorded["source"]["location"]
    return DEFAULT_SOURCE


def filter_requirements(text, keep_optional):
    """Odoo's requirements.txt without the optional packages that cannot be built here."""
    lines = []
    for line in text.splitlines():
        name = re.split(r"[\s=<>!~;\[]", line.strip(), maxsplit=1)[0].lower()
        if name in OPTIONAL_REQUIREMENTS and not keep_optional:
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def is_url(location):
    return urllib.parse.urlparse(location).scheme in ("http", "https", "ftp", "file")


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------
def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_source(location, recorded=None):
    """What a build from ``location`` depends on; raises SetupError when it is unusable.

    An archive is known by its SHA-256, hashed again only when its size or time changed.
    """
    if is_url(location):
        return {"location": location, "kind": "url"}
    path = os.path.abspath(os.path.expanduser(location))
    if os.path.isdir(path):
        release = os.path.join(path, "odoo", "release.py")
        if not os.path.isfile(release) or not os.path.isfile(os.path.join(path, "requirements.txt")):
            raise SetupError("source", "ODOO_SOURCE=%s is a directory without odoo/release.py and "
                                       "requirements.txt: give the root of an Odoo 18 source tree." % location)
        return {"location": path, "kind": "directory",
                "release": file_digest(release), "requirements": file_digest(os.path.join(path, "requirements.txt"))}
    if os.path.isfile(path):
        stat = os.stat(path)
        described = {"location": path, "kind": "archive", "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        previous = (recorded or {}).get("source", {})
        same_file = all(previous.get(key) == value for key, value in described.items())
        described["sha256"] = previous["sha256"] if same_file and previous.get("sha256") else file_digest(path)
        return described
    raise SetupError("source", "ODOO_SOURCE=%s does not exist: give an Odoo 18 source archive (.tar.gz or .zip), "
                               "its URL, or a source directory." % location)


def wanted_inputs(source):
    """Everything a build depends on; the stamp of .local/venv records it."""
    return {
        "source": source,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "requirements": {name: file_digest(os.path.join(ROOT, name)) for name in PROJECT_REQUIREMENTS},
    }


def read_stamp():
    try:
        with open(STAMP, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError):
        return None


def current_imports_odoo():
    try:
        import odoo.release  # noqa: PLC0415
    except ImportError:
        return False
    return odoo.release.version_info[0] == 18


# ---------------------------------------------------------------------------
# Reading an Odoo source
# ---------------------------------------------------------------------------
class SourceArchive:
    """The two files a build reads from an archive: odoo/release.py and requirements.txt."""

    def __init__(self, path):
        self.path = path
        try:
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    self.files = self._pick(archive.namelist(), lambda name: archive.read(name))
            else:
                with tarfile.open(path) as archive:
                    self.files = self._pick(archive.getnames(), lambda name: archive.extractfile(name).read())
        except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
            reason = str(exc).splitlines()[0].rstrip(":")
            raise SetupError("source", "%s is not a readable .tar.gz or .zip archive (%s)." % (path, reason)) from exc

    @staticmethod
    def _pick(names, read):
        wanted = {}
        for name in names:
            parts = name.strip("/").split("/")
            # <top>/odoo/release.py and <top>/requirements.txt, top folder of any name.
            if parts[1:] == ["odoo", "release.py"]:
                wanted["release"] = read(name).decode("utf-8")
            elif parts[1:] == ["requirements.txt"]:
                wanted["requirements"] = read(name).decode("utf-8")
        return wanted

    def check(self):
        release = self.files.get("release")
        if release is None or "requirements" not in self.files:
            raise SetupError("source", "%s is not an Odoo source archive: it has no <folder>/odoo/release.py "
                                       "and <folder>/requirements.txt." % self.path)
        found = re.search(r"^version_info\s*=\s*\((\d+)", release, re.M)
        if not found or found.group(1) != "18":
            raise SetupError("source", "%s holds Odoo %s, not Odoo 18." % (
                self.path, found.group(1) if found else "of an unknown version"))
        return self.files["requirements"]


def download(url):
    os.makedirs(DOWNLOADS, exist_ok=True)
    target = os.path.join(DOWNLOADS, os.path.basename(urllib.parse.urlparse(url).path) or "odoo-source")
    say("Downloading the Odoo 18 source from %s (about 100 MB)." % url)
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target + ".part", "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except OSError as exc:
        raise SetupError("download", "could not download %s (%s). Download an Odoo 18 source archive by other "
                                     "means and set ODOO_SOURCE to its path." % (url, exc)) from exc
    os.replace(target + ".part", target)
    return target


def unpack(archive):
    """Unpack an Odoo source archive into .local/odoo-source; the folder holding odoo/."""
    os.makedirs(UNPACKED)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as source:
            source.extractall(UNPACKED)
    else:
        with tarfile.open(archive) as source:
            # The "data" filter refuses links and paths out of the folder (Python >= 3.10.12).
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            source.extractall(UNPACKED, **safe)
    for top in sorted(os.listdir(UNPACKED)):
        if os.path.isfile(os.path.join(UNPACKED, top, "odoo", "release.py")):
            return os.path.join(UNPACKED, top)
    raise SetupError("unpack", "%s unpacked without a <folder>/odoo/release.py." % archive)


# ---------------------------------------------------------------------------
# Building .local/venv
# ---------------------------------------------------------------------------
def venv_python():
    return os.path.join(VENV, "bin", "python")


def run_step(step, args, log, env=None, hint=""):
    log.write("\n$ %s\n" % " ".join(args))
    log.flush()
    started = time.monotonic()
    result = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, env=env, check=False)
    log.write("# %s: %.1f s\n" % (step, time.monotonic() - started))
    if result.returncode:
        log.flush()
        with open(BUILD_LOG, encoding="utf-8", errors="replace") as stream:
            tail = "".join(stream.readlines()[-12:])
        raise SetupError(step, "'%s' exited with %d.%s Full log: %s\n%s" % (
            " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(args[:4])),
            result.returncode, (" " + hint) if hint else "", BUILD_LOG, tail))


def check_python():
    if sys.version_info[:2] not in SUPPORTED_PYTHONS:
        raise SetupError("python", "Odoo 18 needs Python 3.10, 3.11 or 3.12; this is %d.%d. Run the command with "
                                   "one of those (e.g. python3.11 tools/cuv.py ...)." % sys.version_info[:2])


def build(source):
    """Create .local/venv with Odoo 18 from ``source`` and the project's requirements."""
    check_python()
    started = time.monotonic()
    location = source["location"]
    if source["kind"] == "url":
        archive = download(location)
        requirements = SourceArchive(archive).check()
    elif source["kind"] == "archive":
        archive = location
        requirements = SourceArchive(archive).check()
    else:
        archive = None
        with open(os.path.join(location, "requirements.txt"), encoding="utf-8") as stream:
            requirements = stream.read()
    say("Installing Odoo 18 into .local/venv from %s: about 1 minute (log: %s)." % (location, BUILD_LOG))
    for path in (VENV, UNPACKED):
        shutil.rmtree(path, ignore_errors=True)
    os.makedirs(LOCAL, exist_ok=True)
    with open(BUILD_LOG, "w", encoding="utf-8") as log, tempfile.TemporaryDirectory() as tmp:
        constraint = os.path.join(tmp, "constraint.txt")
        with open(constraint, "w", encoding="utf-8") as stream:
            stream.write(BUILD_CONSTRAINT)
        odoo_requirements = os.path.join(tmp, "odoo-requirements.txt")
        keep_ldap = os.path.exists(LDAP_HEADER)
        with open(odoo_requirements, "w", encoding="utf-8") as stream:
            stream.write(filter_requirements(requirements, keep_ldap))
        env = dict(os.environ, PIP_CONSTRAINT=constraint, PIP_DISABLE_PIP_VERSION_CHECK="1")
        env.pop("PYTHONPATH", None)
        # Python compiles modules when they are first imported: not every installed file now.
        python, pip = venv_python(), [venv_python(), "-m", "pip", "install", "-q", "--no-compile"]

        say("1/4 Creating the virtual environment.")
        run_step("venv", [sys.executable, "-m", "venv", VENV], log,
                 hint="Debian and Ubuntu need the python3-venv package.")
        say("2/4 Installing Odoo's own requirements%s." % ("" if keep_ldap else " (without python-ldap: only LDAP login needs it)"))
        run_step("odoo requirements", pip + ["-r", odoo_requirements], log, env,
                 hint="Some of Odoo's pins build from source: they need a C compiler and the PostgreSQL client headers (libpq-dev).")
        say("3/4 Installing Odoo 18.")
        tree = unpack(archive) if archive else location
        # Odoo runs from its source tree, with its addons where the tree keeps them.
        site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        with open(os.path.join(site, "odoo-source.pth"), "w", encoding="utf-8") as stream:
            stream.write(tree + "\n")
        say("4/4 Installing the addon's requirements and the test tools.")
        # Odoo's pins stay as they are: the addon's requirements are installed against them.
        run_step("addon requirements", pip + ["-c", odoo_requirements] + [
            arg for name in PROJECT_REQUIREMENTS for arg in ("-r", os.path.join(ROOT, name))], log, env)
        run_step("check", [python, "-c", "import odoo.release as r; assert r.version_info[0] == 18, r.version"], log, env)
    with open(STAMP, "w", encoding="utf-8") as stream:
        json.dump(wanted_inputs(source), stream, indent=1, sort_keys=True)
    say("Odoo 18 is installed in .local/venv (%.0f s)." % (time.monotonic() - started))


def ensure(argv, environ=os.environ):
    """Go on with this interpreter, or re-run ``argv`` with .local/venv's, building it first.

    Never returns when the command is re-run elsewhere. Raises SetupError on failure.
    """
    inside = environ.get(INSIDE_MARK) == VENV
    source_given = bool(environ.get("ODOO_SOURCE", "").strip())
    if choose_python(source_given, current_imports_odoo(), inside) == "current":
        return
    recorded = read_stamp()
    source = describe_source(wanted_source(environ, recorded), recorded)
    if needs_build(recorded, wanted_inputs(source)):
        if recorded:
            say("The inputs of .local/venv changed (Odoo source, Python or a requirements file): rebuilding it.")
        build(source)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(venv_python(), [venv_python()] + argv, dict(environ, **{INSIDE_MARK: VENV}))
