// The dashboard's figures, printed (not asserted as timings: a loaded CI machine would make
// them flaky): how soon Services shows many services, and how soon a line a container prints
// is on the screen. The checks that the pages work are in dashboard.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  startManager,
  graphql,
  login,
  ADMIN_PASSWORD,
} from "../lib/manager.mjs";
import { launch, signIn, servicesHeading } from "../lib/browser.mjs";

const IMAGE = "daeploy-test/busybox:1";
const WAIT = { timeout: 120_000 };
// CI lists 40 (200 deploys take minutes on a loaded 2-core machine); the figure in the
// closing note is from E2E_FIGURE_SERVICES=200
const SERVICES = Number(process.env.E2E_FIGURE_SERVICES ?? 40);

let manager;
let browser;
let admin;
let page;

before(async () => {
  manager = await startManager({ name: "figures" });
  admin = await login(manager, "admin", ADMIN_PASSWORD);
  browser = await launch();
  page = await browser.newPage();
  await page.goto(manager.dashboardOrigin + "/");
  await signIn(page, "admin", ADMIN_PASSWORD);
  await servicesHeading(page).waitFor(WAIT);
});

after(async () => {
  await browser?.close();
  await manager?.stop();
});

function deploy(name, command) {
  return graphql(
    manager,
    "mutation($input: DeployServiceInput!) { deployService(input: $input) { service { state } } }",
    {
      input: {
        name,
        version: "1.0.0",
        image: IMAGE,
        command: command ?? ["sleep", "3600"],
      },
    },
    admin,
  ).then((answer) => {
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

test(`Services with ${SERVICES} services: time to the first row and to all rows`, async () => {
  const started = Date.now();
  const names = Array.from(
    { length: SERVICES },
    (_, i) => `many_${String(i).padStart(3, "0")}`,
  );
  for (let i = 0; i < names.length; i += 8) {
    await Promise.all(names.slice(i, i + 8).map((name) => deploy(name)));
  }
  console.log(
    `figure: ${SERVICES} services deployed through the API in ${Date.now() - started} ms`,
  );
  const paints = [];
  for (let round = 0; round < 3; round++) {
    await page.goto(manager.dashboardOrigin + "/");
    const firstRow = await page.waitForFunction(
      () =>
        document.querySelector("tbody tr") ? performance.now() : undefined,
      undefined,
      { ...WAIT, polling: 20 },
    );
    const allRows = await page.waitForFunction(
      (count) =>
        document.querySelectorAll("tbody tr").length >= count
          ? performance.now()
          : undefined,
      SERVICES,
      { ...WAIT, polling: 20 },
    );
    paints.push([await firstRow.jsonValue(), await allRows.jsonValue()]);
  }
  for (const [first, all] of paints) {
    console.log(
      `figure: Services with ${SERVICES} services: first row ${first.toFixed(0)} ms, all rows ${all.toFixed(0)} ms after navigation`,
    );
  }
  assert.equal(
    await page.locator("tbody tr").count(),
    SERVICES,
    "every service is listed",
  );
});

test("a line a container prints is on the screen: delay after Docker received it", async () => {
  await deploy("ticker", [
    "sh",
    "-c",
    "i=0; while true; do i=$((i+1)); echo tick-$i; usleep 100000; done",
  ]);
  await page.goto(manager.dashboardOrigin + "/services/ticker/1.0.0");
  const log = page.getByRole("region", { name: "Log of ticker 1.0.0" });
  await log
    .getByText(/tick-\d+/)
    .first()
    .waitFor(WAIT);
  // when each tick first shows on the page, by the page's clock (the same host's)
  await page.evaluate(() => {
    window.tickShown = {};
    const region = [...document.querySelectorAll("[role=region]")].find(
      (element) => element.getAttribute("aria-label") === "Log of ticker 1.0.0",
    );
    const record = () => {
      for (const match of region.textContent.matchAll(/tick-(\d+)/g)) {
        window.tickShown[match[1]] ??= Date.now();
      }
    };
    record();
    window.tickSeenBefore = new Set(Object.keys(window.tickShown));
    new MutationObserver(record).observe(region, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  await page.waitForTimeout(15_000);
  const shown = await page.evaluate(() =>
    Object.fromEntries(
      Object.entries(window.tickShown).filter(
        ([tick]) => !window.tickSeenBefore.has(tick),
      ),
    ),
  );
  const container = `daeploy-${manager.instance}-ticker-1.0.0`;
  const logged = execFileSync("docker", ["logs", "--timestamps", container])
    .toString()
    .split("\n");
  const delays = [];
  for (const line of logged) {
    const match = line.match(/^(\S+) tick-(\d+)$/);
    if (match && shown[match[2]] !== undefined) {
      // Docker's RFC 3339 timestamps have nanoseconds; Date takes milliseconds
      const at = Date.parse(match[1].replace(/(\.\d{3})\d*/, "$1"));
      delays.push(shown[match[2]] - at);
    }
  }
  delays.sort((a, b) => a - b);
  assert.ok(delays.length >= 50, `only ${delays.length} lines matched`);
  console.log(
    `figure: a printed line on the screen after Docker received it: p50 ${percentile(delays, 0.5)} ms, p90 ${percentile(delays, 0.9)} ms, max ${delays.at(-1)} ms (${delays.length} lines)`,
  );
});

test("a log of 100 000 lines scrolls top to bottom: frame times", async () => {
  await deploy("flood", [
    "sh",
    "-c",
    "echo ready; while [ ! -f /tmp/go ]; do usleep 200000; done; seq 1 100000; exec sleep 3600",
  ]);
  await page.goto(manager.dashboardOrigin + "/services/flood/1.0.0");
  const log = page.getByRole("region", { name: "Log of flood 1.0.0" });
  // a line on the screen means the engine's stream is open: the burst comes after it
  // ("Nothing logged yet." shows before the stream opens, and a stream opened during
  // the burst rightly starts with its last 1000 lines)
  await log.getByText("ready").waitFor(WAIT);
  const started = Date.now();
  execFileSync(
    "docker",
    [
      "exec",
      `daeploy-${manager.instance}-flood-1.0.0`,
      "/bin/busybox",
      "touch",
      "/tmp/go",
    ],
    { stdio: "inherit" },
  );
  await page.getByText("100,001 lines").waitFor(WAIT);
  console.log(
    `figure: 100 000 lines printed at once shown in ${Date.now() - started} ms`,
  );
  const frames = await page.evaluate(async () => {
    const scroller = [...document.querySelectorAll("[role=region]")].find(
      (element) => element.getAttribute("aria-label") === "Log of flood 1.0.0",
    );
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    const steps = 120;
    const times = [];
    scroller.scrollTop = 0;
    await frame();
    let last = performance.now();
    for (let step = 1; step <= steps; step++) {
      scroller.scrollTop =
        ((scroller.scrollHeight - scroller.clientHeight) * step) / steps;
      await frame();
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return { times, text: scroller.textContent };
  });
  // the last line is on the screen at the bottom
  assert.match(frames.text, /100000/);
  const sorted = [...frames.times].sort((a, b) => a - b);
  console.log(
    `figure: scrolling 100 000 log lines in 120 jumps: frame p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`,
  );
});
