/** The figures of the Customer 360 page, read when the page is opened rather than with every form. */
import { Component, useSubEnv } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { View } from "@web/views/view";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

const FIGURES_VIEW = "crm_unified_view.res_partner_view_form_customer_360_figures";

export class Customer360Figures extends Component {
    static template = "crm_unified_view.Customer360Figures";
    static components = { View };
    static props = { ...standardWidgetProps };

    setup() {
        // The breadcrumbs name the partner of the form: the figures' form must not rename it.
        useSubEnv({ config: { ...this.env.config, setDisplayName: () => {} } });
    }

    /** A read-only form of the same customer in the figures view: a notebook renders only the
     * page shown, so its fields are read when the page opens. */
    get viewProps() {
        const { record } = this.props;
        return {
            type: "form",
            resModel: record.resModel,
            resId: record.resId,
            views: [[false, "form"]],
            context: { ...record.context, form_view_ref: FIGURES_VIEW },
            display: { controlPanel: false },
            mode: "readonly",
            preventCreate: true,
            preventEdit: true,
        };
    }
}

registry.category("view_widgets").add("customer_360_figures", { component: Customer360Figures });
