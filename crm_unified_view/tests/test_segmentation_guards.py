"""What a run refuses: a second run of the same company while one is running (in any process),
and value shares that do not make sense."""
import json
import os
import subprocess
import sys
import textwrap

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

# In a fresh interpreter: the key ``_lock`` asks PostgreSQL for, recorded by a stand-in cursor.
LOCK_PARAMS = textwrap.dedent("""
    import json, sys, types
    import odoo.addons
    odoo.addons.__path__.append(sys.argv[1])
    from odoo.addons.crm_unified_view.models.crm_segmentation_run import CrmSegmentationRun

    class Cursor:
        def execute(self, query, params=None):
            self.params = params
        def fetchone(self):
            return (True,)

    run = types.SimpleNamespace(_name=CrmSegmentationRun._name, env=types.SimpleNamespace(cr=Cursor()),
                                company_id=types.SimpleNamespace(id=7))
    run._lock_key = lambda: CrmSegmentationRun._lock_key(run)
    CrmSegmentationRun._lock(run)
    print(json.dumps({"params": list(run.env.cr.params), "hash": hash(CrmSegmentationRun._name)}))
""")


@tagged("post_install", "-at_install")
class TestSegmentationLock(TransactionCase):

    def _lock_params(self, *hash_seeds):
        """What ``_lock`` asks for in one fresh process per hash seed (run side by side)."""
        addons = os.path.dirname(get_module_path("crm_unified_view"))
        processes = [subprocess.Popen([sys.executable, "-c", LOCK_PARAMS, addons], stdout=subprocess.PIPE,
                                      env=dict(os.environ, PYTHONHASHSEED=str(seed)), text=True)
                     for seed in hash_seeds]
        outputs = [process.communicate(timeout=120)[0] for process in processes]
        self.assertEqual([process.returncode for process in processes], [0] * len(processes))
        return [json.loads(output.strip().splitlines()[-1]) for output in outputs]

    def test_the_lock_key_is_the_same_in_every_process(self):
        first, second = self._lock_params(1, 2)
        self.assertNotEqual(first["hash"], second["hash"], "the two processes hash strings differently")
        self.assertEqual(first["params"], second["params"])
        self.assertEqual(first["params"][1], 7, "one lock per company")

    def test_a_second_transaction_is_refused(self):
        company = self.env.company
        run = self.env["crm.segmentation.run"].create({"company_id": company.id})
        run._lock()
        with db_connect(self.env.cr.dbname).cursor() as cr:
            # another connection, as another worker has: refused while this transaction lasts
            Run = api.Environment(cr, SUPERUSER_ID, {})["crm.segmentation.run"]
            with self.assertRaisesRegex(UserError, "already running"):
                Run.new({"company_id": company.id})._lock()
            cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [run._lock_key()[0], company.id + 1])
            self.assertTrue(cr.fetchone()[0], "another company runs at the same time")
            cr.rollback()


@tagged("post_install", "-at_install")
class TestSegmentationSettings(TransactionCase):

    def _check(self, high, low):
        return self.env["crm.segmentation.run"].create({"high_value_percent": high, "low_value_percent": low})

    def test_value_shares(self):
        for high, low in ((0, 50), (0, -5), (20, -5), (20, 0), (-1, 50), (50, 50.01), (100, 0.01), (101, 1)):
            with self.subTest(high=high, low=low), self.assertRaises(ValidationError):
                self._check(high, low)
        for high, low in ((20, 50), (0.01, 0.01), (50, 50), (99.99, 0.01)):
            with self.subTest(high=high, low=low):
                self.assertTrue(self._check(high, low))
        run = self._check(20, 50)
        with self.assertRaises(ValidationError):
            run.low_value_percent = -10

