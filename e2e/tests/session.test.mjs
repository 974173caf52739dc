// The one browser session, in a real Chromium against a real manager and real containers:
// signing in works (also from a service URL's redirect), and a USER's service page that an
// ADMIN opens cannot use the admin's session for queries, mutations or subscriptions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  startManager,
  graphql,
  login,
  ADMIN_PASSWORD,
} from "../lib/manager.mjs";
import { launch, SCREENSHOTS } from "../lib/browser.mjs";

const IMAGE = "daeploy-test/busybox:1";

let manager;
let browser;
let admin;
const pages = mkdtempSync(join(tmpdir(), "daeploy-e2e-pages-"));

before(async () => {
  manager = await startManager({
    name: "session",
    args: [`--daeploy.allowed-host-paths=${pages}`],
  });
  admin = await login(manager, "admin", ADMIN_PASSWORD);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await manager?.stop();
});

async function deploy(token, name, volumes = [], command) {
  const answer = await graphql(
    manager,
    "mutation($input: DeployServiceInput!) { deployService(input: $input) { service { state } } }",
    {
      input: {
        name,
        version: "1.0.0",
        image: IMAGE,
        volumes,
        ...(command ? { command } : {}),
      },
    },
    token,
  );
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
}

async function signIn(page) {
  await page.fill('input[name="username"]', "admin");
  await page.fill('input[name="password"]', ADMIN_PASSWORD);
  await Promise.all([
    page.waitForNavigation(),
    page.click('button[type="submit"]'),
  ]);
}

test("a service URL sends the browser to sign in on the dashboard, then back", async () => {
  await deploy(admin, "greeting");
  const page = await browser.newPage();
  const service = `${manager.servicesOrigin}/services/greeting/`;
  await page.goto(service);
  assert.equal(
    new URL(page.url()).origin,
    manager.dashboardOrigin,
    "signing in happens on the dashboard",
  );
  await page.screenshot({ path: join(SCREENSHOTS, "sign-in.png") });
  await signIn(page);
  assert.equal(page.url(), service);
  assert.match(await page.textContent("body"), /daeploy test service/);
  // the cookie is httpOnly: no script can read it
  assert.equal(await page.evaluate(() => document.cookie), "");
  await page.close();
});

test("a USER's service page cannot ride an ADMIN's session", async () => {
  const dashboardPort = new URL(manager.dashboardOrigin).port;
  assert.equal(
    (
      await graphql(
        manager,
        'mutation { createUser(input: {username: "mallory", password: "mallory-password"}) { user { username } } }',
        {},
        admin,
      )
    ).errors,
    undefined,
  );
  const mallory = await login(manager, "mallory", "mallory-password");
  writeFileSync(join(pages, "index.html"), attackPage(dashboardPort));
  await deploy(mallory, "evil", [
    { source: pages, target: "/www", readOnly: true },
  ]);

  // a fresh browser session (the first test signed in already; the dashboard's sign-in page then
  // goes straight on to the dashboard)
  await browser.clearCookies();
  const page = await browser.newPage();
  // the admin signs in to the dashboard...
  await page.goto(`${manager.dashboardOrigin}/auth/login`);
  await signIn(page);
  // ...then opens mallory's service, whose page tries to use the admin's session
  await page.goto(`${manager.servicesOrigin}/services/evil/`);
  await page.waitForFunction(() => document.body.dataset.done === "yes", null, {
    timeout: 60_000,
  });
  const results = JSON.parse(await page.textContent("#results"));
  await page.screenshot({ path: join(SCREENSHOTS, "attack-page.png") });
  await page.close();

  // a query across origins: refused by the browser (no CORS) or answered anonymously
  assert.doesNotMatch(results.crossQuery, /"name":"admin"/);
  // a mutation as a "simple" request the browser does send: it must not run
  assert.doesNotMatch(results.crossMutation, /"username":"pwned"/);
  // the services' own origin has no session at all
  assert.match(results.sameOriginQuery, /"me":null/);
  assert.match(results.sameOriginMutation, /UNAUTHENTICATED/);
  // subscriptions: never acknowledged with the admin's session
  assert.doesNotMatch(results.crossSocket, /connection_ack/);
  assert.doesNotMatch(results.sameOriginSocket, /connection_ack/);
  // and nothing happened on the manager
  const users = await graphql(manager, "{ users { username } }", {}, admin);
  assert.deepEqual(
    users.data.users.map((user) => user.username),
    ["admin", "mallory"],
  );
});

/**
 * A page that tries, with whatever the visitor's browser holds, to act on the manager;
 * it writes what each attempt got into #results.
 */
function attackPage(dashboardPort) {
  return `<!doctype html><html><body><pre id="results"></pre><script>
const dashboard = location.protocol + "//" + location.hostname + ":${dashboardPort}";
const me = JSON.stringify({ query: "{ me { name role } }" });
const pwn = JSON.stringify({
  query: 'mutation { createUser(input: {username: "pwned", password: "pwned-password", role: ADMIN}) { user { username } } }',
});
async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    return "error: " + e.message;
  }
}
function socket(url) {
  return new Promise((done) => {
    const seen = [];
    let ws;
    try {
      ws = new WebSocket(url, "graphql-transport-ws");
    } catch (e) {
      done("error: " + e.message);
      return;
    }
    const finish = () => done(seen.join(" | "));
    setTimeout(() => { try { ws.close(); } catch (e) {} finish(); }, 5000);
    ws.onopen = () => { seen.push("open"); ws.send(JSON.stringify({ type: "connection_init" })); };
    ws.onmessage = (m) => { seen.push(m.data); };
    ws.onerror = () => seen.push("error");
    ws.onclose = (e) => { seen.push("close " + e.code); finish(); };
  });
}
(async () => {
  const results = {};
  results.crossQuery = await attempt(() => fetch(dashboard + "/graphql", { method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" }, body: me }).then((r) => r.text()));
  results.crossMutation = await attempt(() => fetch(dashboard + "/graphql", { method: "POST", credentials: "include",
    mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: pwn }).then((r) => r.type + " " + r.status));
  results.sameOriginQuery = await attempt(() => fetch("/graphql", { method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" }, body: me }).then((r) => r.text()));
  results.sameOriginMutation = await attempt(() => fetch("/graphql", { method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" }, body: pwn }).then((r) => r.text()));
  results.crossSocket = await socket(dashboard.replace("http", "ws") + "/graphql");
  results.sameOriginSocket = await socket(location.origin.replace("http", "ws") + "/graphql");
  document.getElementById("results").textContent = JSON.stringify(results);
  document.body.dataset.done = "yes";
})();
</script></body></html>`;
}
