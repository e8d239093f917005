import type { Page } from "playwright-core";
import { expect } from "vitest";

export const PASSWORD = "correct horse battery";

/** Fills Taskr's sign-up or log-in form and waits for the home page. */
export async function signIn(
  page: Page,
  url: string,
  username: string,
  mode: "signup" | "login" = "signup",
) {
  await page.goto(`${url}/${mode}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: mode === "signup" ? "Sign up" : "Log in" }).click();
  await expect.poll(() => page.getByText("You are logged in as").isVisible()).toBe(true);
}

/** Presses `button`, then Allow or Deny on the sandbox's consent page in the popup. */
export async function consentInPopup(
  page: Page,
  button: string,
  decision: "Allow" | "Deny" = "Allow",
) {
  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: button, exact: true }).click();
  const popup = await popupOpened;
  // Listening before the click: the callback page can close itself before click() returns.
  const closed = popup.waitForEvent("close", { timeout: 30_000 });
  await popup.getByRole("button", { name: decision }).click();
  await closed;
}

export const taskItems = (page: Page) =>
  page.getByRole("list", { name: "Attio tasks" }).getByRole("listitem");

export async function expectTenTasks(page: Page) {
  await expect.poll(() => taskItems(page).count(), { timeout: 30_000 }).toBe(10);
  await expect
    .poll(() => page.getByText("Follow up with Acme Corp about renewal").isVisible())
    .toBe(true);
}

export const isVisible = (page: Page, text: string | RegExp) =>
  page.getByText(text).first().isVisible();

/** No page may ever hold a sandbox token (they all start with these prefixes). */
export async function expectNoTokens(page: Page) {
  expect(await page.content()).not.toMatch(/sbx_(at|rt|ac)_/);
}
