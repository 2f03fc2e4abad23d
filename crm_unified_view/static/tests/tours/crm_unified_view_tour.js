import { registry } from "@web/core/registry";

const SECTIONS = ["Basic", "Contact", "Status", "Account", "Behaviour", "Service", "Extended"];

registry.category("web_tour.tours").add("crm_unified_view_customer_360", {
    url: "/odoo/action-crm_unified_view.res_partner_action_customer_360",
    steps: () => [
        {
            content: "Show the customers the segmentation has not valued yet",
            trigger: ".o_searchview_facet:contains('Valued by Segmentation') .o_facet_remove",
            run: "click",
        },
        {
            content: "Open the customer from the Customer 360 list",
            trigger: ".o_list_view .o_data_row td[name='complete_name']:contains('杭州西湖茶业有限公司')",
            run: "click",
        },
        {
            content: "Open its Customer 360 tab",
            trigger: ".o_notebook .nav-link:contains('Customer 360')",
            run: "click",
        },
        ...SECTIONS.map((section) => ({
            content: `The ${section} category is shown`,
            trigger: `.o_notebook .tab-pane.active .o_horizontal_separator:contains('${section}')`,
        })),
        {
            content: "The figures, read when the tab opened, leave the breadcrumbs to the customer",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains('杭州西湖茶业有限公司')",
        },
        {
            content: "Behaviour shows the confirmed orders",
            trigger: ".tab-pane.active .o_field_widget[name='confirmed_order_count']:contains('2')",
        },
        {
            content: "Top products open on click",
            trigger: ".tab-pane.active button[name='action_view_top_products']",
        },
        {
            content: "Account shows the overdue amount",
            trigger: ".tab-pane.active .o_field_widget[name='overdue_amount']:contains('300.00')",
        },
        {
            content: "Mark the information as verified",
            trigger: ".tab-pane.active button[name='action_mark_verified']",
            run: "click",
        },
        {
            content: "The verification date is filled in",
            trigger: ".tab-pane.active .o_field_widget[name='date_last_verified'] input:value(/\\d/)",
        },
    ],
});
