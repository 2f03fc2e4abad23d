import { registry } from "@web/core/registry";

const SUBJECT = "网上投诉：茶叶包装破损";

registry.category("web_tour.tours").add("crm_complaint_web_form", {
    url: "/complaint",
    steps: () => [
        { content: "Name", trigger: "input[name='name']", run: "edit 赵敏" },
        { content: "Email", trigger: "input[name='email']", run: "edit zhaomin@webcustomer.example.com" },
        { content: "Phone", trigger: "input[name='phone']", run: "edit 13800138000" },
        { content: "Subject", trigger: "input[name='subject']", run: `edit ${SUBJECT}` },
        {
            content: "Description",
            trigger: "textarea[name='description']",
            run: "edit 收到的礼盒外包装破损，茶叶撒了一半。",
        },
        { content: "Send", trigger: ".o_complaint_form button[type='submit']", run: "click" },
        { content: "The complaint number is shown", trigger: ".o_complaint_thanks .o_complaint_number:contains('CPL/')" },
    ],
});

registry.category("web_tour.tours").add("crm_complaint_back_office", {
    url: "/odoo/action-crm_unified_view.crm_complaint_action",
    steps: () => [
        { content: "Show the list", trigger: ".o_switch_view.o_list", run: "click" },
        {
            content: "The web complaint is listed",
            trigger: `.o_list_view .o_data_row td[name='subject']:contains('${SUBJECT}')`,
            run: "click",
        },
        { content: "It came from the web form", trigger: ".o_field_widget[name='channel']:contains('Web Form')" },
        { content: "The sender's name is kept", trigger: ".o_field_widget[name='contact_name'] input:value(赵敏)" },
        {
            content: "No customer until the sender confirms the address",
            trigger: ".o_field_widget[name='partner_id'] input:value()",
        },
    ],
});
