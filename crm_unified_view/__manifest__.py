{
    "name": "Unified Customer View",
    "summary": "One customer, one view: a Customer 360 on the partner with data-quality scores",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "crm_unified_view developers",
    "website": "https://github.com/crm-unified-view/crm_unified_view",
    "depends": ["contacts", "sale", "account"],
    "external_dependencies": {"python": ["pandas", "numpy", "phonenumbers"]},
    "data": [
        "security/crm_unified_view_security.xml",
        "security/ir.model.access.csv",
        "data/crm_customer_info_item_data.xml",
        "data/ir_cron_data.xml",
        "views/res_partner_views.xml",
        "views/crm_customer_info_item_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_unified_view_menus.xml",
    ],
    "demo": [
        "demo/crm_unified_view_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_unified_view/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
