/** The R×F heat map and the segment bubble chart of a segmentation run (a client action). */
import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { formatInteger, formatMonetary } from "@web/views/fields/formatters";

const RESULT = "crm.segmentation.result";

export class RfHeatMap extends Component {
    static template = "crm_unified_view.RfHeatMap";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.canvasRef = useRef("bubbles");
        this.measures = [
            { key: "count", label: _t("Customers") },
            { key: "monetary", label: _t("Average Revenue") },
            { key: "profit", label: _t("Average Profit") },
        ];
        this.state = useState({ measure: "count" });
        onWillStart(async () => {
            await Promise.all([this.load(), loadBundle("web.chartjs_lib")]);
        });
        useEffect(() => this.renderBubbles(), () => [this.segments]);
        onWillUnmount(() => this.chart?.destroy());
    }

    async load() {
        // The run of the form button, or from the menu or after a reload of the page the latest run the user may read.
        const runId = this.props.action.params?.run_id || this.props.action.context?.active_id;
        const [run] = await this.orm.searchRead(
            "crm.segmentation.run", runId ? [["id", "=", runId]] : [["state", "=", "done"]],
            ["name", "currency_id"], { limit: 1, order: "date_as_of desc, id desc" });
        this.run = run;
        this.cells = {};
        this.segments = [];
        if (!run) {
            return;
        }
        // One grouped read, subject to the user's rights and record rules; customers without
        // purchases have no R and F score (0) and stay out of the grid.
        const groups = await this.orm.readGroup(
            RESULT, this.domain(),
            ["monetary:avg", "profit:avg"], ["r_score", "f_score"], { lazy: false });
        let maxScore = 0;
        for (const group of groups) {
            this.cells[`${group.r_score}-${group.f_score}`] = {
                count: group.__count, monetary: group.monetary, profit: group.profit,
            };
            maxScore = Math.max(maxScore, group.r_score, group.f_score);
        }
        this.scores = Array.from({ length: maxScore }, (_, index) => index + 1);
        this.segments = await this.orm.searchRead(
            "crm.segment", [["run_id", "=", run.id]],
            ["name", "customer_count", "median_recency_days", "median_frequency", "profit"]);
    }

    domain(extra = []) {
        return [["run_id", "=", this.run.id], ["r_score", ">", 0], ["f_score", ">", 0], ...extra];
    }

    get rows() {
        // Frequent buyers on top, recent buyers on the right.
        return [...this.scores].reverse();
    }

    cell(r, f) {
        return this.cells[`${r}-${f}`];
    }

    value(r, f) {
        const cell = this.cell(r, f);
        return cell ? cell[this.state.measure] : null;
    }

    display(r, f) {
        const value = this.value(r, f);
        if (value === null) {
            return "";
        }
        if (this.state.measure === "count") {
            return formatInteger(value);
        }
        return formatMonetary(value, { currencyId: this.run.currency_id[0], digits: [16, 0] });
    }

    cellStyle(r, f) {
        const value = this.value(r, f);
        if (value === null) {
            return "";
        }
        const values = Object.values(this.cells).map((cell) => cell[this.state.measure]);
        // Losses in red, scaled on the largest loss; everything else in teal, scaled on the largest value.
        if (value < 0) {
            const alpha = 0.15 + 0.75 * (value / Math.min(...values));
            return `background-color: rgba(210, 63, 58, ${alpha.toFixed(2)});`;
        }
        const max = Math.max(...values, 0) || 1;
        const alpha = 0.1 + 0.8 * (value / max);
        return `background-color: rgba(1, 126, 132, ${alpha.toFixed(2)});${alpha > 0.55 ? " color: #fff;" : ""}`;
    }

    openCell(r, f) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            name: _t("R %(r)s × F %(f)s", { r, f }),
            res_model: RESULT,
            views: [[false, "list"], [false, "form"]],
            domain: this.domain([["r_score", "=", r], ["f_score", "=", f]]),
        });
    }

    renderBubbles() {
        this.chart?.destroy();
        if (!this.canvasRef.el || !this.segments.length) {
            return;
        }
        const maxCount = Math.max(...this.segments.map((s) => s.customer_count), 1);
        const maxProfit = Math.max(...this.segments.map((s) => Math.abs(s.profit)), 1);
        const datasets = this.segments.map((segment) => {
            const alpha = (0.25 + 0.65 * Math.abs(segment.profit) / maxProfit).toFixed(2);
            const rgb = segment.profit < 0 ? "210, 63, 58" : "1, 126, 132";
            return {
                label: segment.name,
                // Bubble area proportional to the number of customers.
                data: [{
                    x: segment.median_recency_days, y: segment.median_frequency,
                    r: 6 + 34 * Math.sqrt(segment.customer_count / maxCount),
                    count: segment.customer_count, profit: segment.profit,
                }],
                backgroundColor: `rgba(${rgb}, ${alpha})`,
                borderColor: `rgb(${rgb})`,
                clip: false,
            };
        });
        const currencyId = this.run.currency_id[0];
        this.chart = new Chart(this.canvasRef.el, {
            type: "bubble",
            data: { datasets },
            options: {
                maintainAspectRatio: false,
                // room around the axes, so that the largest bubbles are not cut
                layout: { padding: 20 },
                scales: {
                    x: {
                        reverse: true, min: 0, grace: "10%",
                        title: { display: true, text: _t("Median days since last purchase") },
                    },
                    y: { grace: "20%", title: { display: true, text: _t("Median purchases") } },
                },
                plugins: {
                    legend: { position: "right" },
                    tooltip: {
                        callbacks: {
                            label: (item) => _t("%(segment)s: %(count)s customers, profit %(profit)s", {
                                segment: item.dataset.label,
                                count: formatInteger(item.raw.count),
                                profit: formatMonetary(item.raw.profit, { currencyId, digits: [16, 0] }),
                            }),
                        },
                    },
                },
            },
        });
    }
}

registry.category("actions").add("crm_unified_view.rf_heat_map", RfHeatMap);
