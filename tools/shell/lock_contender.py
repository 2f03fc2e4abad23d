"""Lock check: one of two processes running the same company's segmentation.

Runs inside ``odoo shell``, which gives ``env``. Parameters: role ("first" or "second"), run
(its run's id), barrier (a folder: a file per step is the barrier between the processes),
wait (seconds before giving up on the other process). Prints ``LOCK <name> <value>`` lines.

The first runs and holds its transaction, and so the lock, until the second has tried; the
second tries meanwhile, then again once the first has ended.
"""
import json
import os
import time

from odoo.exceptions import UserError

params = json.load(open(os.environ["CUV_SHELL_PARAMS"], encoding="utf-8"))


def step(name):
    open(os.path.join(params["barrier"], name), "w").close()


def wait_for(name):
    deadline = time.monotonic() + params["wait"]
    while not os.path.exists(os.path.join(params["barrier"], name)):
        if time.monotonic() > deadline:
            raise SystemExit("LOCK timeout waiting for %s" % name)
        time.sleep(0.05)


def held_locks():
    env.cr.execute("SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
    return sorted(env.cr.fetchall())


print("LOCK hash", hash("crm.segmentation.run"))
run = env["crm.segmentation.run"].browse(params["run"])
if params["role"] == "first":
    run._run()
    print("LOCK state", run.state)
    print("LOCK held", held_locks())
    step("running")
    wait_for("tried")
    env.cr.rollback()
    step("ended")
else:
    wait_for("running")
    # without the lock it would wait on the customers the first run updated: fail fast instead
    env.cr.execute("SET LOCAL lock_timeout = '10s'")
    started = time.monotonic()
    try:
        with env.cr.savepoint():
            run._run()
        outcome = "ran"
    except UserError as error:
        outcome = "refused: %s" % error
    except Exception as error:  # noqa: BLE001 - any other failure is reported as such
        outcome = "failed: %s: %s" % (type(error).__name__, str(error).strip())
    print("LOCK tried_seconds %.2f" % (time.monotonic() - started))
    print("LOCK outcome", outcome)
    env.cr.rollback()
    step("tried")
    wait_for("ended")
    run = env["crm.segmentation.run"].browse(params["run"])
    run._run()
    print("LOCK after", run.state)
    env.cr.rollback()
