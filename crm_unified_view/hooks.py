"""Install and uninstall: first figures for the customers already there, nothing left behind."""
from . import demo

MODULE = "crm_unified_view"


def post_init_hook(env):
    """Customers already in the database get their segment, RFM, value and lifecycle stage at
    install, from one set-based run per company with sales (the nightly run); their
    data-quality scores follow at once in the background, in batches.

    Installed with demo data, the demo customers first get their sales history, and the demo
    complaints their order references, emails, reply clocks and survey answers (``demo/``).
    Generated here rather than from a demo XML file: a ``<function>`` there calls a model
    method, and a model or method that exists only for the demo would stay in every production
    registry. Odoo runs this hook after loading the demo XML files, and flags the module
    ``demo`` only when they loaded. (Demo data loaded into a database after the install gets
    the fixed records only.)
    """
    if env.ref("base.module_%s" % MODULE).demo:
        demo.generate(env)
    for (company,) in env["sale.order"].sudo()._read_group([("state", "=", "sale")], ["company_id"]):
        env["crm.segmentation.run"].sudo()._run_for_company(company)
    env.ref("%s.ir_cron_refresh_data_quality" % MODULE)._trigger()


def uninstall_hook(env):
    """What Odoo does not remove with the addon's models, fields and XML ids."""
    # Saved settings are parameters without an XML id.
    env["ir.config_parameter"].sudo().search([("key", "=like", MODULE + ".%")]).unlink()
    # An activity type in use cannot be deleted ("restrict"): the reminders on partners and
    # leads (to reply to a customer) stay, as to-dos.
    types = env["ir.model.data"].sudo().search([("module", "=", MODULE), ("model", "=", "mail.activity.type")])
    env["mail.activity"].sudo().search([("activity_type_id", "in", types.mapped("res_id"))]).write(
        {"activity_type_id": env.ref("mail.mail_activity_data_todo").id})
    # The SQL function of the lifecycle funnel's medians.
    env.cr.execute("DROP FUNCTION IF EXISTS crm_lifecycle_median(float8[], bigint[])")
