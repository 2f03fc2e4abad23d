import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_unified_view_quotation_suggestion", {
    steps: () => [
        {
            content: "Open the suggested products of the quotation's customer",
            trigger: ".o_notebook .nav-link:contains('Suggested Products')",
            run: "click",
        },
        {
            content: "Add the teapot to the order",
            trigger: ".o_field_widget[name='cross_sell_suggestion_ids'] .o_data_row:contains('Teapot') button[name='action_add_to_order']",
            run: "click",
        },
        {
            content: "Back to the order lines",
            trigger: ".o_notebook .nav-link:contains('Order Lines')",
            run: "click",
        },
        {
            content: "The teapot is on the order",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:contains('Teapot')",
        },
    ],
});
