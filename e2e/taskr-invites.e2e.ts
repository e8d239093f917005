import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ARTIFACTS, launchChromium } from "./support/browser";
import { isVisible, PASSWORD } from "./support/taskr-pages";
import { startTaskr, type TaskrProcess } from "./support/taskr-process";

// Taskr outside sandbox mode (Attio credentials set; nothing calls Attio here): sign-up is by
// invite only, and the first admin comes from configuration.
const ATTIO = { ATTIO_CLIENT_ID: "taskr-e2e", ATTIO_CLIENT_SECRET: "taskr-e2e-secret" };
const ADMIN_INVITE = "e2e-first-admin-0123456789abcdef0123";
let taskr: TaskrProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [taskr, browser] = await Promise.all([
    startTaskr({ ...ATTIO, TASKR_ADMIN_USERNAME: "root", TASKR_ADMIN_INVITE: ADMIN_INVITE }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await taskr?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  return context.newPage();
}

/** On the invite-only sign-up page: the code (unless the link carried it), then the password. */
async function signUpWithInvite(page: Page, username: string, code?: string) {
  if (code) {
    await page.getByLabel("Invite code").fill(code);
    await page.getByRole("button", { name: "Continue" }).click();
  }
  await expect
    .poll(() => page.getByTestId("invited-as").textContent())
    .toMatch(new RegExp(`^You are joining Taskr as ${username}\\.`));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect.poll(() => page.getByText("You are logged in as").isVisible()).toBe(true);
}

/** Runs `action` and waits for the answer to the login it sends, so attempts never overlap. */
async function answered(page: Page, action: () => Promise<void>) {
  const response = page.waitForResponse((each) => each.url().endsWith("/auth/login"));
  await action();
  await response;
}

it("stops at start outside sandbox mode when there is no admin and no first-admin settings", async () => {
  await expect(startTaskr(ATTIO)).rejects.toThrow(/TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE/);
});

it("signs up the configured admin, who invites a teammate whose link works exactly once", async () => {
  expect(taskr.output()).toMatch(
    /Sign-up: by invite only; sign up at .* to become the admin, root/,
  );
  expect(taskr.output()).not.toContain(ADMIN_INVITE);

  const admin = await newPage();
  await admin.goto(`${taskr.url}/signup`);
  await expect.poll(() => isVisible(admin, /^Taskr is by invite only/)).toBe(true);
  expect(await admin.getByLabel("Username").count()).toBe(0);
  await admin.getByLabel("Invite code").fill("not-an-invite");
  await admin.getByRole("button", { name: "Continue" }).click();
  await expect
    .poll(() => admin.getByRole("alert").textContent())
    .toMatch(/^This invite cannot be used/);
  await signUpWithInvite(admin, "root", ADMIN_INVITE);
  expect(await admin.getByTestId("signed-in-as").textContent()).toBe("root · admin");

  await admin.getByRole("link", { name: "Connections" }).click();
  await admin.getByLabel("Their username").fill("carol");
  await admin.getByRole("button", { name: "Create invite" }).click();
  const link = admin.getByLabel("Invite link");
  await expect.poll(() => link.isVisible()).toBe(true);
  const url = await link.inputValue();
  expect(url).toMatch(new RegExp(`^${taskr.url}/signup#invite=[a-z2-7]{32}$`));
  await admin.screenshot({ path: join(ARTIFACTS, "taskr-invite.png"), fullPage: true });

  const carol = await newPage();
  await carol.goto(url);
  await signUpWithInvite(carol, "carol");
  expect(await carol.getByTestId("signed-in-as").textContent()).toBe("carol");
  expect(await carol.getByRole("button", { name: "Create invite" }).count()).toBe(0);

  const again = await newPage();
  await again.goto(url);
  // Read from the link, then dropped from the address bar.
  await expect.poll(() => new URL(again.url()).hash).toBe("");
  await expect
    .poll(() => again.getByRole("alert").textContent())
    .toMatch(/^This invite cannot be used/);
});

it("says how long to wait after too many wrong passwords, and keeps Log in off until then", async () => {
  const page = await newPage();
  await page.goto(`${taskr.url}/login`);
  await page.getByLabel("Username").fill("root");
  const logIn = page.getByRole("button", { name: "Log in" });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel("Password").fill(`wrong password ${attempt}`);
    await answered(page, () => logIn.click());
    expect(await page.getByRole("alert").textContent()).toBe("Wrong username or password");
  }
  await page.getByLabel("Password").fill(PASSWORD);
  await answered(page, () => logIn.click());
  await expect
    .poll(() => page.getByRole("alert").textContent())
    .toMatch(/^Too many attempts\. Wait \d+ seconds?, then try again\.$/);
  expect(await logIn.isDisabled()).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, "taskr-too-many-attempts.png"), fullPage: true });

  await expect.poll(() => logIn.isEnabled(), { timeout: 10_000 }).toBe(true);
  await logIn.click();
  await expect.poll(() => page.getByText("You are logged in as").isVisible()).toBe(true);
});
