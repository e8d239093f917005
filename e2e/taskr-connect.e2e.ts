import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ARTIFACTS, launchChromium } from "./support/browser";
import { startTaskr, type TaskrProcess } from "./support/taskr-process";

let taskr: TaskrProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [taskr, browser] = await Promise.all([startTaskr(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await taskr?.stop();
});

it("signs up, connects Attio through the sandbox's consent popup, and lists ten tasks", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(taskr.url);

  await page.getByLabel("Username").fill("ada");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect.poll(() => page.getByText("You are logged in as").isVisible()).toBe(true);

  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Connect Attio" }).click();
  const popup = await popupOpened;
  await popup.getByRole("button", { name: "Allow" }).click();
  await popup.waitForEvent("close", { timeout: 30_000 });

  const tasks = page.getByRole("list", { name: "Attio tasks" }).getByRole("listitem");
  await expect.poll(() => tasks.count(), { timeout: 30_000 }).toBe(10);
  await expect
    .poll(() => page.getByText("Follow up with Acme Corp about renewal").isVisible())
    .toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, "taskr-home.png"), fullPage: true });

  const html = await page.content();
  expect(html).not.toMatch(/sbx_(at|rt|ac)_/);
  await context.close();
});
