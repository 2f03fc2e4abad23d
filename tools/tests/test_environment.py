"""Which Python the commands run with, when .local/venv is rebuilt, and what a bad ODOO_SOURCE says.

Runs in a second with the standard library: no environment is built, no Odoo is needed.
"""
import io
import json
import os
import tarfile
import tempfile
import unittest
import zipfile
from unittest import mock

from cuvlib import environment
from cuvlib.environment import SetupError

RELEASE_18 = "version_info = (18, 0, 0, FINAL, 0, '')\n"
REQUIREMENTS = "Babel==2.10.3\npython-ldap==3.4.0 ; sys_platform != 'win32'\npsycopg2==2.9.5\n"


def make_archive(path, files, fmt="tar"):
    """An archive holding ``files`` ({relative path: text})."""
    if fmt == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        return path
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


class TestChoosePython(unittest.TestCase):
    def test_which_interpreter(self):
        # (ODOO_SOURCE given, this Python imports Odoo 18, already inside .local/venv) -> choice
        table = [
            ((False, True, False), "current"),   # a company's own Odoo install
            ((False, False, False), "venv"),     # a fresh machine
            ((True, True, False), "venv"),       # an explicit source wins over the installed Odoo
            ((True, False, False), "venv"),
            ((True, False, True), "current"),    # re-started inside .local/venv: never again
            ((False, False, True), "current"),
        ]
        for args, expected in table:
            with self.subTest(args=args):
                self.assertEqual(environment.choose_python(*args), expected)


class TestRebuild(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.archive = make_archive(os.path.join(self.tmp.name, "odoo.tar.gz"), {
            "odoo-18.0/odoo/release.py": RELEASE_18, "odoo-18.0/requirements.txt": REQUIREMENTS})
        stamp = os.path.join(self.tmp.name, "cuv-build.json")
        for name, value in (("STAMP", stamp), ("VENV", self.tmp.name), ("say", lambda message: None)):
            patcher = mock.patch.object(environment, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def run_ensure(self, environ, imports_odoo=False):
        """(built, re-started): what ``ensure`` did, with building and re-starting recorded, not done."""
        built = []

        def fake_build(source):
            built.append(source)
            with open(environment.STAMP, "w", encoding="utf-8") as stream:
                json.dump(environment.wanted_inputs(source), stream)

        with mock.patch.object(environment, "build", fake_build), \
                mock.patch.object(environment, "current_imports_odoo", return_value=imports_odoo), \
                mock.patch.object(environment.os, "execve") as execve:
            environment.ensure(["tools/cuv.py", "test"], environ)
        return built, execve.called

    def test_first_run_builds_then_reuses(self):
        built, restarted = self.run_ensure({"ODOO_SOURCE": self.archive})
        self.assertEqual([source["location"] for source in built], [self.archive])
        self.assertTrue(restarted)
        built, restarted = self.run_ensure({"ODOO_SOURCE": self.archive})
        self.assertEqual(built, [], "same inputs: the environment is reused")
        self.assertTrue(restarted)

    def test_reuse_without_odoo_source_keeps_the_recorded_source(self):
        self.run_ensure({"ODOO_SOURCE": self.archive})
        built, restarted = self.run_ensure({})
        self.assertEqual(built, [])
        self.assertTrue(restarted)

    def test_a_changed_source_rebuilds(self):
        self.run_ensure({"ODOO_SOURCE": self.archive})
        make_archive(self.archive, {"odoo-18.0/odoo/release.py": RELEASE_18 + "# patched\n",
                                    "odoo-18.0/requirements.txt": REQUIREMENTS})
        built, _restarted = self.run_ensure({"ODOO_SOURCE": self.archive})
        self.assertEqual(len(built), 1)

    def test_a_changed_requirements_file_rebuilds(self):
        self.run_ensure({"ODOO_SOURCE": self.archive})
        stamp = environment.read_stamp()
        stamp["requirements"]["requirements.txt"] = "0" * 64
        with open(environment.STAMP, "w", encoding="utf-8") as stream:
            json.dump(stamp, stream)
        built, _restarted = self.run_ensure({"ODOO_SOURCE": self.archive})
        self.assertEqual(len(built), 1)

    def test_a_half_built_environment_rebuilds(self):
        # A build that failed leaves no stamp.
        built, _restarted = self.run_ensure({"ODOO_SOURCE": self.archive})
        os.remove(environment.STAMP)
        built, _restarted = self.run_ensure({"ODOO_SOURCE": self.archive})
        self.assertEqual(len(built), 1)

    def test_an_installed_odoo_is_used_as_it_is(self):
        built, restarted = self.run_ensure({}, imports_odoo=True)
        self.assertEqual((built, restarted), ([], False))

    def test_inside_the_environment_nothing_happens_again(self):
        built, restarted = self.run_ensure({environment.INSIDE_MARK: environment.VENV, "ODOO_SOURCE": self.archive})
        self.assertEqual((built, restarted), ([], False))


class TestOdooSource(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_missing_source(self):
        with self.assertRaises(SetupError) as caught:
            environment.describe_source(self.path("nowhere.tar.gz"))
        self.assertEqual(caught.exception.step, "source")
        self.assertIn("does not exist", str(caught.exception))

    def test_directory_that_is_not_odoo(self):
        os.makedirs(self.path("tree"))
        with self.assertRaises(SetupError) as caught:
            environment.describe_source(self.path("tree"))
        self.assertIn("odoo/release.py", str(caught.exception))

    def test_file_that_is_not_an_archive(self):
        with open(self.path("odoo.tar.gz"), "wb") as stream:
            stream.write(b"not an archive at all")
        with self.assertRaises(SetupError) as caught:
            environment.SourceArchive(self.path("odoo.tar.gz"))
        self.assertIn("not a readable", str(caught.exception))

    def test_archive_without_odoo(self):
        archive = make_archive(self.path("other.tar.gz"), {"project/setup.py": ""})
        with self.assertRaises(SetupError) as caught:
            environment.SourceArchive(archive).check()
        self.assertIn("not an Odoo source archive", str(caught.exception))

    def test_archive_of_another_version(self):
        archive = make_archive(self.path("odoo17.zip"), {
            "odoo-17.0/odoo/release.py": RELEASE_18.replace("18", "17"),
            "odoo-17.0/requirements.txt": REQUIREMENTS}, fmt="zip")
        with self.assertRaises(SetupError) as caught:
            environment.SourceArchive(archive).check()
        self.assertIn("Odoo 17, not Odoo 18", str(caught.exception))

    def test_archive_of_odoo_18(self):
        for fmt in ("tar", "zip"):
            with self.subTest(fmt=fmt):
                archive = make_archive(self.path("odoo.%s" % fmt), {
                    "odoo-18.0/odoo/release.py": RELEASE_18, "odoo-18.0/requirements.txt": REQUIREMENTS}, fmt=fmt)
                self.assertEqual(environment.SourceArchive(archive).check(), REQUIREMENTS)

    def test_python_ldap_is_left_out_unless_it_can_be_built(self):
        self.assertNotIn("python-ldap", environment.filter_requirements(REQUIREMENTS, keep_optional=False))
        self.assertIn("psycopg2==2.9.5", environment.filter_requirements(REQUIREMENTS, keep_optional=False))
        self.assertIn("python-ldap", environment.filter_requirements(REQUIREMENTS, keep_optional=True))

    def test_default_source(self):
        self.assertEqual(environment.wanted_source({}, None), environment.DEFAULT_SOURCE)
        self.assertEqual(environment.wanted_source({"ODOO_SOURCE": " /x.tgz "}, None), "/x.tgz")
        self.assertEqual(environment.wanted_source({}, {"source": {"location": "/y.tgz"}}), "/y.tgz")
        self.assertEqual(environment.describe_source("https://example.com/o.tar.gz"),
                         {"location": "https://example.com/o.tar.gz", "kind": "url"})

    def test_a_failing_step_names_itself(self):
        with mock.patch.object(environment, "BUILD_LOG", self.path("build.log")), \
                open(self.path("build.log"), "w", encoding="utf-8") as log:
            with self.assertRaises(SetupError) as caught:
                environment.run_step("odoo requirements", ["false"], log, hint="Install a compiler.")
        self.assertEqual(caught.exception.step, "odoo requirements")
        self.assertIn("failed at step 'odoo requirements'", str(caught.exception))
        self.assertIn("Install a compiler.", str(caught.exception))
