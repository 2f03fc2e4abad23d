"""PostgreSQL for Odoo: the server named by PGHOST/PGPORT/PGUSER, or a private throwaway cluster."""
import contextlib
import getpass
import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

from . import LOCAL, MODULE, ROOT, say

ODOO_ROLE = "odoo"
PRIVATE_PORT = 54329


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


