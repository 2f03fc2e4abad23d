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
    url: "/odoo/action-crm_unified_view.crm_segmentation_run_action",
    steps: () => [
        {
            content: "Open the run",
            trigger: ".o_list_view .o_data_row .o_data_cell",
            run: "click",
        },
        {
            content: "Open its heat map from the form",
            trigger: ".o_form_view .oe_stat_button:has(.fa-th)",
            run: "click",
        },
        {
            content: "The heat map is the run's",
            trigger: ".o_cuv_rf_heat_map .o_cuv_run_name",
            run: () => {
                const name = document.querySelector(".o_cuv_rf_heat_map .o_cuv_run_name").textContent;
                if (name !== expected().run_name) {
                    throw new Error(`Heat map of ${name} instead of ${expected().run_name}`);
                }
            },
        },
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

// The spreadsheet model of the open dashboard, found in the component tree (the grid is a canvas).
function dashboardModel() {
    const nodes = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (nodes.length) {
        const node = nodes.pop();
        const model = node.component.state?.activeDashboard?.model;
        if (model) {
            return model;
        }
        nodes.push(...Object.values(node.children));
    }
}

// {row label: value of the first measure} of the table spilled by the =PIVOT() at (col, row)
function pivotTable(model, col, row) {
    const sheetId = model.getters.getActiveSheetId();
    const cell = (c, r) => model.getters.getEvaluatedCell({ sheetId, col: c, row: r });
    const table = {};
    // one row per group, then the total (the table is spilled without its titles)
    for (let r = row; cell(col + 1, r).type === "number"; r++) {
        table[cell(col, r).formattedValue] = cell(col + 1, r).value;
    }
    return table;
}

// Where the tour reads the tables: the cell (col, row) of each =PIVOT() formula.
const PIVOT_CELLS = {
    segments: [0, 33], // A34
    complaints: [5, 33], // F34
    funnel: [0, 65], // A66
    nps: [0, 113], // A114
    churn: [5, 113], // F114
};

// Until its data arrives, a pivot formula evaluates to a "Loading..." error.
function isLoading(model) {
    const sheetId = model.getters.getActiveSheetId();
    return Object.values(PIVOT_CELLS).some(([col, row]) => {
        const cell = model.getters.getEvaluatedCell({ sheetId, col, row });
        return cell.type === "error" || cell.value === "";
    });
}

// ``total``: the figure of the total row when it is not the sum of the groups (an average)
function checkTable(name, shown, wanted, total = undefined) {
    // the pivot adds a total row to the groups
    if (total === undefined) {
        total = Object.values(wanted).reduce((sum, value) => sum + value, 0);
    }
    const rows = Object.entries(wanted).concat([[null, total]]);
    if (Object.keys(shown).length !== rows.length) {
        throw new Error(`${name}: ${JSON.stringify(shown)} instead of ${JSON.stringify(wanted)}`);
    }
    for (const [label, value] of rows) {
        const found = label === null ? Object.values(shown).at(-1) : shown[label];
        if (typeof found !== "number" || Math.abs(found - value) > 1e-6) {
            throw new Error(`${name}: ${label} shows ${found} instead of ${value} (${JSON.stringify(shown)})`);
        }
    }
}

registry.category("web_tour.tours").add("crm_unified_view_dashboard", {
    url: "/odoo/dashboards",
    steps: () => [
        {
            content: "Open the Customer 360 dashboard",
            trigger: ".o_spreadsheet_dashboard_action .o_search_panel",
            run: () => {
                document.querySelector(`li[data-name="${expected().dashboard_name}"]`).click();
            },
        },
        {
            content: "Its pivots show the figures read through the ORM",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer",
            run: async () => {
                if (user.lang.replace("-", "_") !== "zh_CN") {
                    throw new Error(`The user's language is ${user.lang}`);
                }
                let model = dashboardModel();
                for (let wait = 0; (!model || isLoading(model)) && wait < 200; wait++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                    model = dashboardModel();
                }
                const table = (name) => pivotTable(model, ...PIVOT_CELLS[name]);
                checkTable("Segments", table("segments"), expected().segments);
                checkTable("Complaints", table("complaints"), expected().complaints);
                // customers entered per stage, NPS by segment, customers lost per reason
                checkTable("Lifecycle funnel", table("funnel"), expected().funnel);
                checkTable("NPS", table("nps"), expected().nps, expected().nps_total);
                checkTable("Churn reasons", table("churn"), expected().churn);
            },
        },
    ],
});
