// Debian's Chromium, driven by playwright-core (no browser download: nothing can be pulled
// here), started as these machines need it: headless, no sandbox as root, no background
// networking, a fresh profile.
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RESULTS } from "./manager.mjs";

export const SCREENSHOTS = join(RESULTS, "screenshots");

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
