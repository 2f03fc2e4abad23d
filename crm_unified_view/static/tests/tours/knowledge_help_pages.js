import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_knowledge_help_pages", {
    url: "/help",
    steps: () => [
        { content: "The help center lists the published article", trigger: ".o_knowledge_help_result:contains('退货政策')" },
        { content: "Search in traditional Chinese", trigger: ".o_knowledge_help_search input[name='search']", run: "edit 退貨" },
        { content: "Run the search", trigger: ".o_knowledge_help_search button[type='submit']", run: "click" },
        { content: "The simplified article is found", trigger: ".o_knowledge_help_count:contains('退貨')" },
        { content: "Open it", trigger: ".o_knowledge_help_result a:contains('退货政策')", run: "click" },
        { content: "The article is shown", trigger: ".o_knowledge_help_body:contains('七天内可无理由退货')" },
        { content: "It was helpful", trigger: ".o_knowledge_help_vote button[value='1']", run: "click" },
        { content: "Thanks", trigger: ".o_knowledge_help_thanks" },
    ],
});
