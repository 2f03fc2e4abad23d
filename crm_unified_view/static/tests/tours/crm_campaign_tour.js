import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_unified_view_segment_mailing", {
    steps: () => [
        {
            content: "Create a mailing from the Champions segment of the run",
            trigger: ".o_field_widget[name='segment_ids'] .o_data_row:contains('Champions') button[name='action_create_mailing']",
            run: "click",
        },
        {
            content: "The wizard counts the segment's customers of the company",
            trigger: ".modal .o_field_widget[name='customer_count']:contains('1')",
        },
        {
            content: "Create the mailing",
            trigger: ".modal button[name='action_create']",
            run: "click",
        },
        {
            content: "The mailing draft opens, on the segment's name",
            trigger: ".o_form_view .o_field_widget[name='subject'] input:value(Champions)",
        },
    ],
});
