import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, launchChromium } from "./support/browser";
import {
  consentInPopup,
  expectNoTokens,
  expectTenTasks,
  isVisible,
  PASSWORD,
  signIn,
  taskItems,
} from "./support/taskr-pages";
import { startTaskr, type TaskrProcess } from "./support/taskr-process";

// One demo process (sandbox mode) for the whole story: the first to sign up (ada) is its admin.
let taskr: TaskrProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

const DOCS_SCREENSHOT = join(import.meta.dirname, "..", "docs", "images", "taskr-home.png");
const API_KEY = "msq_live_7f3a9c1e5b2d8f4a0c6e";

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

async function setSandboxKnobs(knobs: Record<string, unknown>) {
  const response = await fetch(`${taskr.sandboxUrl}/__sandbox/knobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(knobs),
  });
  expect(response.status).toBe(200);
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [taskr, browser] = await Promise.all([startTaskr(), launchChromium()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await taskr?.stop();
});

describe("Taskr", () => {
  it("signs up, logs out, refuses a wrong password and a taken name, logs in", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "ada");
    expect(await page.getByTestId("signed-in-as").textContent()).toBe("ada · admin");

    await page.getByRole("button", { name: "Log out" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Log in" }).isVisible()).toBe(true);
    expect(await isVisible(page, "You are logged in as")).toBe(false);

    await page.getByLabel("Username").fill("ada");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toBe("Wrong username or password");

    await page.getByRole("link", { name: "Sign up" }).click();
    // Sandbox mode says on the page that anyone who reaches it may sign up.
    expect(await page.getByTestId("open-signup-note").textContent()).toMatch(
      /^Sandbox mode: anyone who can reach this Taskr can sign up/,
    );
    await page.getByLabel("Username").fill("ADA");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toBe("That username is not available. Choose another, or log in if it is yours.");
    await screenshot(page, "taskr-username-taken");

    await signIn(page, taskr.url, "ada", "login");
  });

  it("shows only its own words for a connect result in the address, and no name it does not list", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "ada", "login");
    const crafted = "Attio suspended you: call +1 555 0100";
    const notice = page.getByTestId("connect-notice");

    await page.goto(
      `${taskr.url}/?x_connect=error&provider=attio&code=${encodeURIComponent(crafted)}`,
    );
    await expect
      .poll(() => notice.textContent())
      .toBe("Connecting Attio failed. Please try again.×");

    await page.goto(`${taskr.url}/?x_connect=success&provider=${encodeURIComponent(crafted)}`);
    await expect.poll(() => new URL(page.url()).search).toBe("");
    // The provider list has loaded once the Connect button shows: the banner had its chance.
    await expect
      .poll(() => page.getByRole("button", { name: "Connect Attio", exact: true }).isVisible())
      .toBe(true);
    expect(await notice.count()).toBe(0);
    expect(await page.content()).not.toContain("suspended");
  });

  it("connects Attio in the popup, lists ten tasks, disconnects, and reconnects", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "ada", "login");

    await consentInPopup(page, "Connect Attio");
    await expectTenTasks(page);
    expect(await taskItems(page).first().textContent()).toMatch(/1 assignee/);

    await page.getByRole("button", { name: "Disconnect Attio" }).click();
    await expect
      .poll(() => page.getByRole("button", { name: "Connect Attio", exact: true }).isVisible())
      .toBe(true);
    expect(await taskItems(page).count()).toBe(0);

    await consentInPopup(page, "Connect Attio");
    await expectTenTasks(page);
    await expect.poll(() => page.getByRole("status").getByText("Attio connected.").count()).toBe(1);
    await expectNoTokens(page);
    await screenshot(page, "taskr-home");
    copyFileSync(join(ARTIFACTS, "taskr-home.png"), DOCS_SCREENSHOT);
  });

  it("says clearly that access was not granted when the user presses Deny", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "bob");
    await consentInPopup(page, "Connect Attio", "Deny");
    const notice = page.getByTestId("connect-notice");
    await expect.poll(() => notice.textContent()).toMatch(/^Attio access was not granted/);
    expect(await notice.getAttribute("role")).toBe("alert");
    expect(await page.getByRole("button", { name: "Connect Attio", exact: true }).isVisible()).toBe(
      true,
    );
    await screenshot(page, "taskr-consent-denied");
  });

  it("prompts a reconnect when Attio revokes every token, and reconnecting brings the tasks back", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "ada", "login");
    await expectTenTasks(page);

    const revoked = await fetch(`${taskr.sandboxUrl}/__sandbox/revoke-all`, { method: "POST" });
    expect(revoked.status).toBe(204);
    await page.reload();

    const reconnect = page.getByRole("button", { name: "Reconnect Attio", exact: true });
    await expect.poll(() => reconnect.isVisible(), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => isVisible(page, /Attio connection has expired or was revoked/))
      .toBe(true);
    expect(await taskItems(page).count()).toBe(0);
    await screenshot(page, "taskr-reconnect");

    await consentInPopup(page, "Reconnect Attio");
    await expectTenTasks(page);
  });

  it("says Attio could not be reached when it does not answer, and Try again recovers", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "ada", "login");
    await expectTenTasks(page);

    // Slower than the tasks route's 10 s timeout: to Taskr, Attio is unreachable.
    await setSandboxKnobs({ latencyMs: 12_000 });
    try {
      await page.reload();
      const failure = page.getByRole("alert").filter({ hasText: "Attio could not be reached" });
      await expect.poll(() => failure.isVisible(), { timeout: 30_000 }).toBe(true);
      await screenshot(page, "taskr-attio-unreachable");
    } finally {
      await setSandboxKnobs({ latencyMs: 0 });
    }
    await page.getByRole("button", { name: "Try again" }).click();
    await expectTenTasks(page);
  });

  it("asks for the mail sequencing key, saves it, and enrols a prospect with it", async () => {
    const page = await newPage();
    await signIn(page, taskr.url, "ada", "login");

    await page.getByLabel("Prospect e-mail").fill("grace@example.com");
    await page.getByRole("button", { name: "Add to mail sequence" }).click();
    const prompt = page.getByTestId("sequencer-key-prompt");
    await expect.poll(() => prompt.isVisible()).toBe(true);
    expect(await prompt.textContent()).toMatch(/Add your mail sequencing API key/);

    await page.getByRole("link", { name: "Connections", exact: true }).first().click();
    await page.getByLabel("API key").fill(API_KEY);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").getByText("Saved").count()).toBe(1);

    await page.getByRole("link", { name: "Tasks" }).click();
    await page.getByLabel("Prospect e-mail").fill("grace@example.com");
    await page.getByRole("button", { name: "Add to mail sequence" }).click();
    await expect
      .poll(() => page.getByText(/^Added grace@example.com to sequence 1/).textContent())
      .toBe("Added grace@example.com to sequence 1, authorized with your saved API key.");
    expect(await page.content()).not.toContain(API_KEY);
    expect(taskr.output()).not.toContain(API_KEY);
    await screenshot(page, "taskr-mail-sequence");
  });

  // Before the workspace test: a member with a workspace connection has no Connect button.
  it("falls back to a full-page redirect when popups are blocked, and comes back to the same page", async () => {
    const page = await newPage();
    // What a popup blocker does: window.open returns null.
    await page.context().addInitScript("window.open = () => null;");
    let popups = 0;
    page.on("popup", () => popups++);
    await signIn(page, taskr.url, "erin");

    await page.getByRole("button", { name: "Connect Attio", exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(taskr.sandboxUrl));
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL((url) => url.href.startsWith(taskr.url));

    await expectTenTasks(page);
    expect(popups).toBe(0);
    await expect
      .poll(() => page.getByTestId("connect-notice").textContent())
      .toMatch(/^Attio connected\./);
    // Back on the page it left, with the result read and removed from the address.
    await expect.poll(() => new URL(page.url()).search).toBe("");
    expect(new URL(page.url()).pathname).toBe("/");
    await expectNoTokens(page);
    await screenshot(page, "taskr-redirect-return");
  });

  it("lets the admin connect Attio for the workspace, which a new member then uses", async () => {
    const admin = await newPage();
    await signIn(admin, taskr.url, "ada", "login");
    await admin.getByRole("link", { name: "Connections" }).click();
    await consentInPopup(admin, "Connect Attio for the whole workspace");
    const workspaceSection = admin.getByRole("region", { name: "Workspace connections" });
    await expect.poll(() => workspaceSection.getByRole("listitem").count()).toBe(1);
    await screenshot(admin, "taskr-connections-admin");

    const member = await newPage();
    await signIn(member, taskr.url, "carol");
    expect(await member.getByTestId("signed-in-as").textContent()).toBe("carol");
    await expectTenTasks(member);
    expect(await isVisible(member, "via workspace connection")).toBe(true);
    expect(await member.getByRole("button", { name: "Disconnect Attio" }).count()).toBe(0);
    await screenshot(member, "taskr-member-home");

    await member.getByRole("link", { name: "Connections" }).click();
    const shared = member.getByRole("region", { name: "Workspace connections" });
    await expect.poll(() => shared.getByRole("listitem").count()).toBe(1);
    // Read-only for a member: only an admin may change the workspace's connection.
    expect(await shared.getByRole("button").count()).toBe(0);
    expect(
      await member.getByRole("button", { name: "Connect Attio for the whole workspace" }).count(),
    ).toBe(0);
    await expectNoTokens(member);
  });
});
