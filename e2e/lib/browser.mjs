// Debian's Chromium, driven by playwright-core (no browser download: nothing can be pulled
// here), started as these machines need it: headless, no sandbox as root, no background
// networking, a fresh profile.
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// where issue "The dashboard" asks for them, beside the SPA's own build output
export const SCREENSHOTS = resolve(
  import.meta.dirname,
  "../../frontend/target/screenshots",
);

export async function launch() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "daeploy-chromium-"));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Signs in on the dashboard's sign-in form, as a user types it. */
export async function signIn(target, username, password) {
  await target.getByLabel("User name").fill(username);
  await target.getByLabel("Password").fill(password);
  await target.getByRole("button", { name: "Sign in" }).click();
}

/**
 * The Services page's heading. Its accessible name carries the count once the list is in
 * ("Services 3"), so an exact "Services" matches only while the list loads: a wait for that
 * passed or timed out by how fast the list came.
 */
export function servicesHeading(target) {
  return target.getByRole("heading", { name: /^Services( \d+)?$/ });
}
