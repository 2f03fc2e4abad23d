#!/usr/bin/env python3
"""Screenshots of the running demo (python3 tools/cuv.py run) with headless Chromium.

    python3 tools/screenshot.py OUT.png URL_PATH [--click CSS]... [--lang zh_CN] [--width 1440 --height 1000]
                                [--company NAME] [--base http://localhost:8069] [--demo-mailing]

Logs in as admin/admin (switching admin to --lang if given), shows the demo company (or the
company named by --company), opens URL_PATH, clicks each --click selector in turn (waiting for
it to appear), then saves the page as a PNG. With --demo-mailing it first makes sure the shown
company's latest finished run has a sent mailing with responses (see DEMO_MAILING), so that the
response by segment has something to show. Drives Chromium through the DevTools protocol
with websocket-client (a test requirement already).
"""
import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

BASE = "http://localhost:8069"
DEMO_COMPANY = "上海云杉贸易有限公司"
# JSON-RPC from the logged-in page: the admin user's language
SET_LANG = """(async () => {
    const rpc = (url, params) => fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({jsonrpc: "2.0", method: "call", params})}).then(response => response.json());
    const session = await rpc("/web/session/get_session_info", {});
    await rpc("/web/dataset/call_kw/res.users/write", {model: "res.users", method: "write",
        args: [[session.result.uid], {lang: %s}], kwargs: {}});
})()"""
# The web client shows the companies of the "cids" cookie (the admin's current company otherwise)
SET_COMPANY = """(async () => {
    const response = await fetch("/web/dataset/call_kw/res.company/search_read", {method: "POST",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify({jsonrpc: "2.0", method: "call",
        params: {model: "res.company", method: "search_read", args: [[["name", "=", %s]], ["id"]], kwargs: {}}})});
    const companies = (await response.json()).result || [];
    if (companies.length) {
        document.cookie = "cids=" + companies[0].id + "; path=/";
    }
})()"""

# A mailing to every segment of the company's latest finished run, made with the addon's own
# wizard, and emails with a response that falls with the segment's rank (once per run).
DEMO_MAILING = """(async () => {
    const call = async (model, method, args, kwargs = {}) => {
        const response = await fetch("/web/dataset/call_kw/" + model + "/" + method, {method: "POST",
            headers: {"Content-Type": "application/json"}, body: JSON.stringify({jsonrpc: "2.0", method: "call",
            params: {model, method, args, kwargs}})});
        const answer = await response.json();
        if (answer.error) {
            throw new Error(model + "." + method + ": " + answer.error.data.message);
        }
        return answer.result;
    };
    const [company] = await call("res.company", "search_read", [[["name", "=", %(company)s]], ["id"]]);
    const context = {allowed_company_ids: [company.id]};
    const [run] = await call("crm.segmentation.run", "search_read",
        [[["company_id", "=", company.id], ["state", "=", "done"]], ["id"]], {limit: 1, context});
    if (await call("mailing.mailing", "search_count",
            [[["segmentation_run_id", "=", run.id], ["subject", "=", %(subject)s]]], {context})) {
        return;
    }
    const segments = await call("crm.segment", "search_read", [[["run_id", "=", run.id]], ["id"]],
        {order: "sequence, id", context});
    const segmentIds = segments.map(segment => segment.id);
    const wizardContext = {...context, active_model: "crm.segment", active_ids: segmentIds};
    const wizard = await call("crm.mailing.create", "create", [{subject: %(subject)s}], {context: wizardContext});
    const action = await call("crm.mailing.create", "action_create", [[wizard]], {context: wizardContext});
    const [mailing] = await call("mailing.mailing", "read", [[action.res_id], ["mailing_domain"]], {context});
    const customers = new Set(JSON.parse(mailing.mailing_domain.replace(/'/g, '"').replace(/\(/g, "[")
        .replace(/\)/g, "]")).flat().flat().filter(Number.isInteger));
    const results = await call("crm.segmentation.result", "search_read",
        [[["run_id", "=", run.id], ["partner_id", "in", [...customers]]], ["partner_id", "segment_id"]],
        {order: "id", context});
    const sent = new Date(Date.now() - 20 * 86400000).toISOString().slice(0, 19).replace("T", " ");
    const traces = results.map((result, index) => {
        const rank = segmentIds.indexOf(result.segment_id[0]);
        const roll = index %% 10;
        const status = roll === 9 ? "bounce" : roll < 2 ? "reply" : roll < 7 - rank ? "open" : "sent";
        return {model: "res.partner", res_id: result.partner_id[0], mass_mailing_id: action.res_id,
                trace_type: "mail", email: "customer" + result.partner_id[0] + "@example.com",
                sent_datetime: sent, trace_status: status,
                links_click_datetime: roll < 4 - rank ? sent : false};
    });
    await call("mailing.trace", "create", [traces], {context});
    await call("mailing.mailing", "write", [[action.res_id], {state: "done", sent_date: sent}], {context});
})()"""
DEMO_MAILING_SUBJECT = "春季新茶上市"


class Browser:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="cuv-shot-")
        binary = next(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name))
        self.proc = subprocess.Popen([
            binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--remote-debugging-port=9333", "--user-data-dir=%s" % self.profile,
            "--window-size=%d,%d" % (width, height), "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(50):
            try:
                targets = json.load(urllib.request.urlopen("http://127.0.0.1:9333/json", timeout=1))
                page = next(target for target in targets if target["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                         awaitPromise=True).get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate("!!document.querySelector(%s)" % json.dumps(selector)):
                return
            time.sleep(0.3)
        raise TimeoutError("%s did not appear" % selector)

    def goto(self, url):
        self.call("Page.navigate", url=url)
        time.sleep(1)
        self.wait_for("body")

    def close(self):
        self.proc.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


def log_in(browser, base, lang=None, company=DEMO_COMPANY):
    """Log in as admin, in ``lang`` if given, showing ``company``."""
    browser.goto(base + "/web/login")
    browser.evaluate("document.querySelector('#login').value='admin';"
                     "document.querySelector('#password').value='admin';"
                     "document.querySelector('form.oe_login_form').submit()")
    time.sleep(3)
    if lang:
        browser.evaluate(SET_LANG % json.dumps(lang))
    browser.evaluate(SET_COMPANY % json.dumps(company))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("path")
    parser.add_argument("--click", action="append", default=[])
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--no-login", action="store_true")
    parser.add_argument("--lang", help="language of the admin user, e.g. zh_CN (installed in the database)")
    parser.add_argument("--company", default=DEMO_COMPANY, help="company to show (default %(default)s)")
    parser.add_argument("--base", default=BASE, help="address of the running Odoo (default %(default)s)")
    parser.add_argument("--demo-mailing", action="store_true",
                        help="first give the company's latest run a sent mailing with responses")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    browser = Browser(args.width, args.height)
    try:
        browser.call("Page.enable")
        if not args.no_login:
            log_in(browser, base, args.lang, args.company)
            if args.demo_mailing:
                error = browser.evaluate(DEMO_MAILING % {"company": json.dumps(args.company),
                                                         "subject": json.dumps(DEMO_MAILING_SUBJECT)}
                                         + ".then(() => '', error => error.message)")
                if error:
                    raise SystemExit("--demo-mailing: %s" % error)
        browser.goto(base + args.path)
        for selector in args.click:
            browser.wait_for(selector)
            browser.evaluate("document.querySelector(%s).click()" % json.dumps(selector))
            time.sleep(1.5)
        time.sleep(2)
        shot = browser.call("Page.captureScreenshot", format="png")
        with open(args.output, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
