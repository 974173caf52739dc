// Starts a real Daeploy Manager (the jar the backend module built) for a test file, on free
// ports of 127.0.0.1, with its own data directory and manager instance, and stops it again by
// its PID. Containers it made are removed by their instance label.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, createWriteStream, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { randomBytes } from "node:crypto";

const JAR = resolve(
  import.meta.dirname,
  "../../backend/target/daeploy-manager.jar",
);
export const RESULTS = resolve(import.meta.dirname, "../target/results");

export const ADMIN_PASSWORD = "e2e-admin-password";

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Starts a manager and waits until its dashboard port answers.
 * @param {{args?: string[], name?: string}} options extra settings, a name for its log
 */
export async function startManager(options = {}) {
  if (!existsSync(JAR)) {
    throw new Error(
      `${JAR} is missing: build the backend first (mvn -DskipTests package)`,
    );
  }
  const [server, services, dashboard] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const dataDir = mkdtempSync(join(tmpdir(), "daeploy-e2e-"));
  const instance = "e2e-" + randomBytes(4).toString("hex");
  mkdirSync(RESULTS, { recursive: true });
  const log = createWriteStream(
    join(RESULTS, `${options.name ?? instance}-manager.log`),
  );
  const child = spawn(
    "java",
    [
      "-Xmx256m",
      "-jar",
      JAR,
      `--server.port=${server}`,
      `--daeploy.proxy.http-port=${services}`,
      `--daeploy.proxy.dashboard-port=${dashboard}`,
      "--daeploy.proxy.address=127.0.0.1",
      "--daeploy.proxy.mode=embedded",
      `--daeploy.data-dir=${dataDir}`,
      `--daeploy.instance=${instance}`,
      "--daeploy.docker.network=daeploy-test-network",
      `--daeploy.admin-password=${ADMIN_PASSWORD}`,
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((done) => child.on("exit", done));
  const manager = {
    pid: child.pid,
    instance,
    dataDir,
    servicesOrigin: `http://localhost:${services}`,
    dashboardOrigin: `http://localhost:${dashboard}`,
    managerPort: server,
    async stop() {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
      removeContainers(instance);
    },
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `The manager exited with ${child.exitCode}; see ${RESULTS}`,
      );
    }
    try {
      const answer = await fetch(`http://127.0.0.1:${dashboard}/healthz`);
      if (answer.ok) {
        return manager;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await manager.stop();
      throw new Error("The manager did not answer within 180 s");
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}

function removeContainers(instance) {
  const ids = execFileSync("docker", [
    "ps",
    "-aq",
    "--filter",
    `label=daeploy.instance=${instance}`,
  ])
    .toString()
    .split("\n")
    .filter(Boolean);
  if (ids.length > 0) {
    execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
  }
}

/**
 * Sends a GraphQL request the way a script or the CLI does: a bearer token, no browser.
 * @returns {Promise<{data?: object, errors?: object[]}>}
 */
export async function graphql(manager, query, variables = {}, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  const answer = await fetch(
    `http://127.0.0.1:${manager.managerPort}/graphql`,
    {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    },
  );
  return answer.json();
}

/** Signs in over GraphQL and returns the session token. */
export async function login(manager, username, password) {
  const answer = await graphql(
    manager,
    "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }",
    { u: username, p: password },
  );
  if (answer.errors) {
    throw new Error(JSON.stringify(answer.errors));
  }
  return answer.data.login.token;
}
