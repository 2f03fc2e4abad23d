"""The project's command-line helpers: environment, PostgreSQL, Odoo processes, commands."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCAL = os.path.join(ROOT, ".local")
MODULE = "crm_unified_view"


def say(message):
    print("[%s] %s" % (MODULE, message), flush=True)
