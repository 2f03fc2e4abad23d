#!/usr/bin/env python3
"""Two Odoo processes, one company: only one segmentation of it runs at a time.

    python3 tools/lock_check.py [--customers 300] [--orders 3000] [--database NAME]

In a scratch database: installs the addon, generates customers and confirmed orders, then
starts two ``odoo shell`` processes on it, each with its own PYTHONHASHSEED (two workers of
one server hash strings differently). The first runs the company's segmentation and keeps its
transaction open; then the second starts a run of the same company and must be refused at
once ("already running"), without waiting on the rows the first one holds. When the first
has ended, the second runs. Prints what it checked (``LOCK ...`` lines); exits non-zero on any
failure.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cuv  # noqa: E402
from cuvlib.odoo_process import generate_sales, shell_command, start_script  # noqa: E402

WAIT_SECONDS = 300

class LockCheck:

    def __init__(self, odoo_dir, pg, dbname, port):
        self.odoo_dir, self.pg, self.dbname, self.port = odoo_dir, pg, dbname, port

    def odoo(self, *args):
        cmd = cuv.odoo_command(self.odoo_dir, self.pg, self.dbname, *args, "--stop-after-init", "--log-level=warn",
                               "--http-port=%d" % self.port, "--max-cron-threads=0")
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode or "Traceback" in result.stdout + result.stderr:
            print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
            raise SystemExit("Odoo failed: %s" % " ".join(args))

    def shell(self, script, hash_seed, **params):
        """An ``odoo shell`` process running tools/shell/<script>, started but not waited for."""
        return start_script(shell_command(self.odoo_dir, self.pg, self.dbname), script, params,
                            environ=dict(os.environ, PYTHONHASHSEED=str(hash_seed)))


def finish(name, process):
    """The ``LOCK`` lines of a shell process as {name: value}; its output when it failed."""
    try:
        stdout, stderr = process.communicate(timeout=WAIT_SECONDS + 120)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    lines = {}
    for line in stdout.splitlines():
        if line.startswith("LOCK "):
            key, _, value = line[5:].partition(" ")
            lines[key] = value
            print("LOCK %s %s" % (name, line[5:]))
    if process.returncode or "Traceback" in stdout + stderr:
        print(stdout[-4000:], stderr[-4000:], sep="\n")
        lines["crashed"] = "exit code %s" % process.returncode
    return lines


def check(first, second):
    """What went wrong, if anything."""
    problems = []
    if "crashed" in first or "crashed" in second:
        problems.append("a process crashed (first: %s, second: %s)" % (
            first.get("crashed", "ok"), second.get("crashed", "ok")))
    if first.get("hash") == second.get("hash"):
        problems.append("both processes hash strings alike: PYTHONHASHSEED did not apply")
    if first.get("state") != "done":
        problems.append("the first process did not run (%s)" % first.get("state"))
    outcome = second.get("outcome", "")
    if not (outcome.startswith("refused:") and "already running" in outcome):
        problems.append("the second process was not refused while the first ran: %s" % (outcome or "no outcome"))
    elif float(second.get("tried_seconds", "inf")) > 5:
        problems.append("the refusal took %s s: it waited for the first run" % second.get("tried_seconds"))
    if second.get("after") != "done":
        problems.append("the second process did not run once the first had ended (%s)" % second.get("after"))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--database", default="crm_unified_view_lock" + os.environ.get("CUV_DB_SUFFIX", ""),
                        help="scratch database, dropped before and after")
    parser.add_argument("--http-port", type=int, default=8174)
    args = parser.parse_args()
    odoo_dir = cuv.require_odoo()
    pg = cuv.Postgres().ensure()
    pg.drop_database(args.database)
    lock = LockCheck(odoo_dir, pg, args.database, args.http_port)
    try:
        started = time.monotonic()
        lock.odoo("-i", cuv.MODULE, "--without-demo=all")
        generate_sales(shell_command(odoo_dir, pg, args.database), args.customers, args.orders)
        setup = finish("setup", lock.shell("lock_runs.py", hash_seed=0))
        if "crashed" in setup or "runs" not in setup:
            raise SystemExit("The set-up failed.")
        run_first, run_second = (int(run_id) for run_id in setup["runs"].split())
        print("LOCK database ready in %.1f s" % (time.monotonic() - started))
        with tempfile.TemporaryDirectory() as barrier:
            first = lock.shell("lock_contender.py", 1, role="first", run=run_first, barrier=barrier, wait=WAIT_SECONDS)
            second = lock.shell("lock_contender.py", 2, role="second", run=run_second, barrier=barrier,
                                wait=WAIT_SECONDS)
            first, second = finish("first", first), finish("second", second)
    finally:
        pg.drop_database(args.database)
        pg.stop_if_started_here()
    problems = check(first, second)
    for problem in problems:
        print("LOCK FAILED: %s" % problem)
    if problems:
        return 1
    print("LOCK OK: two processes with different hash seeds, one company: the second was refused while the "
          "first ran, and ran after it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
