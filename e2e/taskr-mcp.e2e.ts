import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ARTIFACTS, launchChromium } from "./support/browser";
import { consentInPopup, expectNoTokens, signIn } from "./support/taskr-pages";
import { startTaskr, type TaskrProcess } from "./support/taskr-process";

// The MCP servers page, as a user meets it: the demo exactly as `pnpm demo` starts it, with its
// sandbox MCP server behind its own authorization server (dynamic registration: Taskr on http
// offers no metadata document).
let taskr: TaskrProcess;
let browser: Browser;

const DOCS_SCREENSHOT = join(import.meta.dirname, "..", "docs", "images", "taskr-mcp.png");

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [taskr, browser] = await Promise.all([startTaskr(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await taskr?.stop();
});

const resultOf = (page: Page, tool: string) =>
  page.getByRole("figure", { name: `${tool} result` }).textContent();

it("pastes the sandbox MCP URL, consents, sees list_tasks, runs it, and steps up for complete_task", async () => {
  expect(taskr.mcpSandboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await signIn(page, taskr.url, "mia");
  await page.getByRole("link", { name: "MCP servers" }).click();
  await expect
    .poll(() => page.getByRole("heading", { name: "MCP servers" }).isVisible())
    .toBe(true);

  await page.getByLabel("MCP server URL").fill(taskr.mcpSandboxUrl);
  await page.getByRole("button", { name: "Add server" }).click();
  const name = `mcp-127-0-0-1-${new URL(taskr.mcpSandboxUrl).port}`;
  const server = page.getByRole("region", { name });
  await expect.poll(() => server.isVisible(), { timeout: 30_000 }).toBe(true);

  await consentInPopup(page, `Connect ${name}`);
  const tools = page.getByRole("list", { name: "Tools" });
  await expect
    .poll(() => tools.getByRole("listitem", { name: "list_tasks" }).isVisible(), {
      timeout: 30_000,
    })
    .toBe(true);

  await page.getByRole("button", { name: "Run list_tasks" }).click();
  await expect
    .poll(() => resultOf(page, "list_tasks"), { timeout: 30_000 })
    .toContain("Follow up with Acme Corp about renewal");
  const [first] = JSON.parse((await resultOf(page, "list_tasks")) ?? "[]");
  await page.screenshot({ path: join(ARTIFACTS, "taskr-mcp.png"), fullPage: true });
  copyFileSync(join(ARTIFACTS, "taskr-mcp.png"), DOCS_SCREENSHOT);

  // complete_task needs task:read-write, which the first consent did not grant: a step-up.
  const complete = tools.getByRole("listitem", { name: "complete_task" });
  await complete.getByLabel("id").fill(first.id);
  await complete.getByRole("button", { name: "Run complete_task" }).click();
  await expect
    .poll(() => complete.getByRole("alert").textContent(), { timeout: 30_000 })
    .toContain("needs more access");
  await consentInPopup(page, `Grant ${name} more access`);
  await expect
    .poll(async () => JSON.parse((await resultOf(page, "complete_task")) || "{}"), {
      timeout: 30_000,
    })
    .toMatchObject({ id: first.id, isCompleted: true });
  await expectNoTokens(page);

  // The step-up updated the one connection instead of adding another; no token reached a page.
  await page.getByRole("link", { name: "Connections" }).click();
  await expect.poll(() => page.getByText(name).count()).toBe(1);
  await expectNoTokens(page);
  await context.close();
});
