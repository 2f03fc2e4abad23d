#!/usr/bin/env python3
"""Write crm_unified_view/data/files/customer_360_dashboard.json, the Customer 360 dashboard of
the Dashboards app, from the short description below (run again after changing it).

    python3 tools/build_customer_dashboard.py

Texts are English; cells say =_t("...") and charts carry a title, so that Odoo's translation
export picks them up and the dashboard shows them in the user's language.
"""
import json
import os

OUT = os.path.join(os.path.dirname(__file__), os.pardir, "crm_unified_view", "data", "files",
                   "customer_360_dashboard.json")
COMPANY_FILTER = "4c2f1d3e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"
PERIOD_FILTER = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
ROW_HEIGHT = 23
# The segments, whale curve and customers at risk of the latest run (see crm.segment.is_latest).
LATEST_RESULT = [["run_id.segment_ids.is_latest", "=", True]]


def matching(company=None, date=None, date_type="datetime"):
    """Which field each global filter filters (none: the filter leaves the data alone)."""
    fields = {}
    if company:
        fields[COMPANY_FILTER] = {"chain": company, "type": "many2one"}
    if date:
        fields[PERIOD_FILTER] = {"chain": date, "type": date_type, "offset": 0}
    return fields


# Pivots spilled with =PIVOT(id) under a title: (cell of the title, title, pivot)
PIVOTS = [
    ("A32", "Segments by Size and Profit", {
        "model": "crm.segment", "domain": [["is_latest", "=", True]],
        "rows": [{"fieldName": "name"}],
        "measures": ["customer_count", "profit", "at_risk_count"],
        "fieldMatching": matching(company="company_id"),
    }),
    ("F32", "Complaints by Category", {
        "model": "crm.complaint", "domain": [],
        "rows": [{"fieldName": "category_id"}],
        "measures": ["__count", "satisfaction_rating"],
        "fieldMatching": matching(company="company_id", date="date_received"),
    }),
    ("A48", "Customers at Risk by Segment", {
        "model": "crm.segmentation.result", "domain": [["at_risk", "=", True]] + LATEST_RESULT,
        "rows": [{"fieldName": "segment_id"}],
        "measures": ["__count", "profit"],
        "fieldMatching": matching(company="run_id.company_id"),
    }),
    ("F48", "Emails Answered within Their Limit", {
        "model": "crm.reply.clock", "domain": [["state", "!=", "open"]],
        "rows": [{"fieldName": "date_received", "granularity": "month"}],
        "measures": ["__count", "answered_in_time"],
        "fieldMatching": matching(company="company_id", date="date_received"),
        "format": {"answered_in_time"},
    }),
    ("F64", "Questions without an Answer in the Knowledge Base", {
        "model": "crm.complaint", "domain": [["knowledge_gap", "=", True]],
        "rows": [{"fieldName": "category_id"}],
        "measures": ["__count"],
        "fieldMatching": matching(company="company_id", date="date_received"),
    }),
    # the emails of the company's mailing sent last (see crm.campaign.response.is_latest)
    ("A80", "Response to the Latest Mailing by Segment", {
        "model": "crm.campaign.response", "domain": [["is_latest", "=", True]],
        "rows": [{"fieldName": "segment_id"}],
        "measures": ["sent", "opened", "clicked", "replied", "bounced", "order_count", "profit"],
        "labels": {"profit": "Order Margin"},
        "fieldMatching": matching(company="company_id"),
    }),
    # customers who entered each stage in the period, in funnel order, and the share who moved on
    ("A64", "Lifecycle Funnel", {
        "model": "crm.lifecycle.funnel", "domain": [],
        "rows": [{"fieldName": "stage"}],
        "measures": ["entered", "conversion_rate", "median_days"],
        "fieldMatching": matching(company="company_id", date="month", date_type="date"),
    }),
    # the segment of the customer's latest run; every answer weighs once
    ("A112", "NPS by Segment", {
        "model": "crm.satisfaction.analysis", "domain": [],
        "rows": [{"fieldName": "segment_id"}],
        "measures": ["nps", "satisfaction", "answer_count"],
        "fieldMatching": matching(company="company_id", date="date", date_type="date"),
    }),
    ("F112", "Churn Reasons", {
        "model": "crm.churn.report", "domain": [],
        "rows": [{"fieldName": "reason_id"}],
        "measures": ["customer_count", "opportunity_count", "revenue_lost"],
        "labels": {"customer_count": "Customers Lost"},
        "fieldMatching": matching(company="company_id", date="date", date_type="date"),
    }),
]

# Charts: (title, x, y, width, chart type, model, group by, measure, domain, field matching, extra)
CHARTS = [
    ("Customers per Lifecycle Stage", 0, 40, 520, "odoo_bar", "res.partner", ["lifecycle_stage"], "__count",
     [["lifecycle_stage", "!=", False]], {}, {"legendPosition": "none"}),
    ("Customers per Value Tier", 540, 40, 480, "odoo_pie", "res.partner", ["value_tier"], "__count",
     [["value_tier", "!=", False]], {}, {"legendPosition": "top"}),
    ("Whale Curve: Cumulative Profit (%) by Share of Customers (%)", 0, 360, 520, "odoo_line",
     "crm.segmentation.whale.point", ["customer_percent"], "profit_share",
     LATEST_RESULT, matching(company="run_id.company_id"), {"legendPosition": "none"}),
    ("Satisfaction over Time (0-5)", 540, 360, 480, "odoo_line", "crm.complaint",
     ["date_received:month"], "satisfaction_rating", [["satisfaction_rating", ">", 0]],
     matching(company="company_id", date="date_received"), {"legendPosition": "none"}),
    ("Latest Mailing: Emails Opened by Segment", 0, 2200, 1020, "odoo_bar", "crm.campaign.response",
     ["segment_id"], "opened", [["is_latest", "=", True]], matching(company="company_id"),
     {"legendPosition": "none"}),
]

STYLES = {"1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
          "2": {"bold": True, "fontSize": 11, "textColor": "#434343"},
          "3": {"textColor": "#434343", "align": "right"}}
# Column headers of the tables (the pivots' own titles are neither translated nor needed)
MEASURE_LABELS = {"__count": "Count", "customer_count": "Customers", "profit": "Profit",
                  "at_risk_count": "At Risk", "satisfaction_rating": "Satisfaction",
                  "answered_in_time": "Answered in Time", "sent": "Sent", "opened": "Opened",
                  "clicked": "Clicked", "replied": "Replied", "bounced": "Bounced", "order_count": "Orders",
                  "entered": "Customers Entered", "conversion_rate": "Conversion Rate (%)",
                  "median_days": "Median Days in Stage", "nps": "NPS", "satisfaction": "Satisfaction",
                  "answer_count": "Answers", "opportunity_count": "Opportunities Lost",
                  "revenue_lost": "Revenue Lost"}


def cell_row(ref):
    """0-based row of a cell reference such as "A32"."""
    return int(ref[1:]) - 1


def build():
    cells = {"A1": {"content": '=_t("Customer 360")'}}
    styles, formats = {"A1": 1}, {}
    pivots = {}
    for index, (ref, title, pivot) in enumerate(PIVOTS, start=1):
        pivot_id = str(index)
        row = cell_row(ref)
        column = ref[0]
        # the title, translated labels of the measures, then the table without its own titles
        cells[ref] = {"content": '=_t("%s")' % title}
        styles[ref] = 2
        labels = dict(MEASURE_LABELS, **pivot.get("labels", {}))
        for offset, measure in enumerate(pivot["measures"], start=1):
            label_ref = "%s%d" % (chr(ord(column) + offset), row + 2)
            cells[label_ref] = {"content": '=_t("%s")' % labels[measure]}
            styles[label_ref] = 3
            if measure in pivot.get("format", {}):
                formats["%s%d:%s%d" % (label_ref[0], row + 3, label_ref[0], row + 16)] = 1
        cells["%s%d" % (column, row + 3)] = {"content": "=PIVOT(%s,,TRUE,FALSE)" % pivot_id}
        pivots[pivot_id] = {
            "type": "ODOO", "id": pivot_id, "formulaId": pivot_id, "name": title,
            "model": pivot["model"], "domain": pivot["domain"], "context": {},
            "rows": pivot["rows"], "columns": [],
            "measures": [{"id": measure, "fieldName": measure} for measure in pivot["measures"]],
            "sortedColumn": None, "fieldMatching": pivot["fieldMatching"],
        }
    figures = []
    for index, (title, x, y, width, chart_type, model, group_by, measure, domain, fields, extra) in enumerate(CHARTS):
        data = {
            "type": chart_type, "title": {"text": title}, "background": "#FFFFFF",
            "metaData": {"groupBy": group_by, "measure": measure, "order": None, "resModel": model,
                         "mode": chart_type[len("odoo_"):]},
            "searchParams": {"comparison": None, "context": {}, "domain": domain, "groupBy": group_by,
                             "orderBy": []},
            "fieldMatching": fields,
        }
        if chart_type != "odoo_pie":
            data.update(verticalAxisPosition="left", stacked=False)
        data.update(extra)
        figures.append({"id": "cuv-chart-%d" % index, "x": x, "y": y, "width": width, "height": 300,
                        "tag": "chart", "data": data})
    sheet = {
        "id": "sheet1", "name": "Dashboard", "colNumber": 9, "rowNumber": 130,
        "rows": {}, "cols": {"0": {"size": 230}, "1": {"size": 110}, "2": {"size": 110}, "3": {"size": 110},
                             "4": {"size": 70}, "5": {"size": 230}, "6": {"size": 110}, "7": {"size": 110}},
        "merges": [], "cells": cells, "styles": styles, "formats": formats, "borders": {},
        "conditionalFormats": [], "figures": figures, "tables": [],
        "areGridLinesVisible": False, "isVisible": True, "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [], "comments": {},
    }
    return {
        "version": 21, "odooVersion": 12, "sheets": [sheet], "styles": STYLES, "formats": {"1": "0%"},
        "borders": {}, "revisionId": "START_REVISION", "uniqueFigureIds": True, "settings": {},
        "pivots": pivots, "pivotNextId": len(pivots) + 1, "customTableStyles": {},
        "globalFilters": [
            {"id": COMPANY_FILTER, "type": "relation", "label": "Company", "modelName": "res.company",
             "defaultValue": [], "defaultValueDisplayNames": [], "rangeType": "year"},
            {"id": PERIOD_FILTER, "type": "date", "label": "Period", "defaultValue": "last_year",
             "rangeType": "relative"},
        ],
        "lists": {}, "listNextId": 1, "chartOdooMenusReferences": {},
    }


if __name__ == "__main__":
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(build(), out, indent=1, ensure_ascii=False)
        out.write("\n")
    print("Wrote %s" % os.path.normpath(OUT))
