import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/**
 * Debian's Chromium, never a downloaded one. The flags keep it from calling home, which this
 * offline machine refuses many times a second. Playwright gives each launch a fresh profile.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
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

export const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");
