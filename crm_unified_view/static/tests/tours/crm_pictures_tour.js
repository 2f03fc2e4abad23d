import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

// The figures the test computed through the ORM, handed over in sessionStorage (kept across reloads).
function expected() {
    return JSON.parse(sessionStorage.getItem("cuv_expected_pictures"));
}

// Digits and sign of a formatted figure ("¥ 1,234" -> 1234), whatever the language's separators.
function number(text) {
    return parseInt(text.replace(/[^\d-]/g, ""), 10);
}

function checkCells(measure) {
    const cells = expected().cells;
    for (const [key, values] of Object.entries(cells)) {
        const [r, f] = key.split("-");
        const cell = document.querySelector(`.o_cuv_heat_cell[data-r='${r}'][data-f='${f}'] .o_cuv_heat_value`);
        if (!cell || number(cell.textContent) !== values[measure]) {
            throw new Error(`Cell R${r} F${f}: ${measure} ${cell?.textContent} instead of ${values[measure]}`);
        }
    }
    const shown = document.querySelectorAll(".o_cuv_heat_cell").length;
    if (shown !== Object.keys(cells).length) {
        throw new Error(`${shown} cells shown instead of ${Object.keys(cells).length}`);
    }
}

registry.category("web_tour.tours").add("crm_unified_view_pictures", {
    url: "/odoo/action-crm_unified_view.crm_segmentation_run_action_heat_map",
    steps: () => [
        {
            content: "The web client speaks Chinese and shows the number of customers of each cell",
            trigger: ".o_cuv_rf_heat_map .o_cuv_heat_cell",
            run: () => {
                if (user.lang.replace("-", "_") !== "zh_CN") {
                    throw new Error(`The user's language is ${user.lang}`);
                }
                checkCells("count");
            },
        },
        {
            content: "Switch the colours to the average profit",
            trigger: ".o_cuv_rf_heat_map button[data-measure='profit']",
            run: "click",
        },
        {
            content: "The cells show the average profit",
            trigger: ".o_cuv_rf_heat_map button.btn-primary[data-measure='profit']",
            run: () => checkCells("profit"),
        },
        {
            content: "The bubble chart is drawn",
            trigger: ".o_cuv_bubble_chart canvas",
        },
        {
            content: "Open the customers of the busiest cell",
            trigger: ".o_cuv_rf_heat_map",
            run: () => {
                const [r, f] = expected().open.split("-");
                document.querySelector(`.o_cuv_heat_cell[data-r='${r}'][data-f='${f}']`).click();
            },
        },
        {
            content: "The list holds exactly the customers of that cell",
            trigger: ".o_list_view .o_data_row",
            run: () => {
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                const wanted = expected().cells[expected().open].count;
                if (rows !== wanted) {
                    throw new Error(`${rows} customers listed instead of ${wanted}`);
                }
            },
        },
    ],
});
