#!/usr/bin/env python3
"""Time the Customer 360 dashboard of the running demo (python3 tools/cuv.py run) in headless Chromium.

    python3 tools/dashboard_load_time.py [--lang zh_CN] [--runs 3] [--base http://localhost:8069]

Logs in as admin (see screenshot.py), opens the Dashboards app, then for each run clicks the
Customer 360 dashboard and measures the time until its spreadsheet is loaded and every pivot
and chart has its data (the same wait as Odoo's waitForDataLoaded). Prints each time and the worst.
"""
import argparse
import json
import time

from screenshot import BASE, Browser, log_in

# Clicks the dashboard in the side panel, then waits for its model and its Odoo data sources.
MEASURE = """(async () => {
    const item = [...document.querySelectorAll(".o_spreadsheet_dashboard_action li[data-name]")]
        .find((li) => li.dataset.name.includes("360"));
    const start = performance.now();
    item.click();
    const sleep = () => new Promise((resolve) => setTimeout(resolve, 20));
    const findModel = () => {
        const nodes = [odoo.__WOWL_DEBUG__.root.__owl__];
        while (nodes.length) {
            const node = nodes.pop();
            const dashboard = node.component.state?.activeDashboard;
            if (dashboard?.model && String(dashboard.displayName).includes("360")) {
                return dashboard.model;
            }
            nodes.push(...Object.values(node.children));
        }
    };
    let model;
    while (!(model = findModel())) {
        await sleep();
    }
    const getters = model.getters;
    await Promise.all([
        ...getters.getOdooChartIds().map((id) => getters.getChartDataSource(id).load()),
        ...getters.getPivotIds().map((id) => getters.getPivot(id).load()),
    ]);
    const provider = model.config.custom.odooDataProvider;
    while (provider.pendingPromises.size) {
        await sleep();
    }
    return Math.round(performance.now() - start);
})()"""
# Back to another dashboard, so that the next click loads Customer 360 again.
RESET = """(() => {
    const other = [...document.querySelectorAll(".o_spreadsheet_dashboard_action li[data-name]")]
        .find((li) => !li.dataset.name.includes("360"));
    other?.click();
})()"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base", default=BASE)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    browser = Browser(1440, 1000)
    try:
        browser.call("Page.enable")
        log_in(browser, base, args.lang)
        times = []
        for _run in range(args.runs):
            # a fresh page each time: the dashboard's data is not cached between page loads
            browser.goto(base + "/odoo/dashboards")
            browser.wait_for(".o_spreadsheet_dashboard_action li[data-name]")
            time.sleep(3)
            browser.evaluate(RESET)
            time.sleep(2)
            times.append(browser.evaluate(MEASURE))
            print("Customer 360 dashboard loaded in %s ms" % times[-1])
        print(json.dumps({"runs": times, "worst_ms": max(times)}))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
