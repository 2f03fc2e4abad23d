"""18.0.1.3.0: the working day of the settings gives way to a calendar (see post-reply-working-hours.py).

The settings view that showed ``reply_day_start`` and ``reply_day_end`` is dropped before the update
loads it again: the settings form is validated with it while those fields are already gone.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        DELETE FROM ir_ui_view WHERE id IN (
            SELECT res_id FROM ir_model_data
             WHERE module = 'crm_unified_view' AND name = 'res_config_settings_view_form_service'
               AND model = 'ir.ui.view')
    """)
    cr.execute("""
        DELETE FROM ir_model_data
         WHERE module = 'crm_unified_view' AND name = 'res_config_settings_view_form_service'
           AND model = 'ir.ui.view'
    """)
