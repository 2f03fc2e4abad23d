"""The Customer 360's figures moved from the partner form to a view of their own: the views that
extended them there would not find them while the form is loaded again. They are deleted here and
loaded again from the module, on the view they now extend."""

EXTENDING_VIEWS = ("res_partner_view_form_customer_360_service", "res_partner_view_form_lifecycle",
                   "res_partner_view_form_customer_360_associative")


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        DELETE FROM ir_ui_view
         WHERE id IN (SELECT res_id FROM ir_model_data
                       WHERE module = 'crm_unified_view' AND model = 'ir.ui.view' AND name IN %s)
    """, [EXTENDING_VIEWS])
    cr.execute("""
        DELETE FROM ir_model_data WHERE module = 'crm_unified_view' AND model = 'ir.ui.view' AND name IN %s
    """, [EXTENDING_VIEWS])
