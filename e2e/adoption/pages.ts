import type { Browser } from "playwright-core";
import { expect } from "./checks";

/** A fresh browser profile on the app's page, with the kit's API answers noted for errors. */
export async function openApp(browser: Browser, url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const answers: string[] = [];
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    if (!path.startsWith("/api/") || response.status() < 400) return;
    const body = await response.text().catch(() => "");
    answers.push(`${response.request().method()} ${path} answered ${response.status()} ${body}`);
  });
  await page.goto(url);
  return { page, answers, close: () => context.close() };
}

const within = async (what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/**
 * Presses "Connect Attio" and Allow on the sandbox's consent page in the popup, as a user
 * does. A refused connect fails with what the API answered and what the page says.
 */
export async function connectAttio(app: Awaited<ReturnType<typeof openApp>>) {
  const { page, answers } = app;
  const button = page.getByRole("button", { name: "Connect Attio" });
  await within("the Connect Attio button", () => button.isEnabled());
  const popupOpened = page.waitForEvent("popup", { timeout: 15_000 });
  await button.click();
  const popup = await popupOpened;
  const allow = popup.getByRole("button", { name: "Allow" });
  const failure = page.locator('[data-x-connect="status"][data-error]');
  // The kit closes the popup itself when the connect is refused.
  await within("the consent page or an error", async () =>
    (await failure.count()) > 0 || popup.isClosed()
      ? true
      : allow.isVisible().catch(() => popup.isClosed()),
  );
  if ((await failure.count()) > 0 || popup.isClosed()) {
    const code = await failure.getAttribute("data-error").catch(() => null);
    const text = await failure.textContent().catch(() => "");
    throw new Error(
      `the connect failed: the page says "${text}" (${code}); ${answers.join("; ") || "no API error"}`,
    );
  }
  // Listening first: the callback page can close itself before click() returns.
  const closed = popup.waitForEvent("close", { timeout: 30_000 });
  await allow.click();
  await closed;
}

/** What the user relies on: the account shows as connected and its tasks come through. */
export async function expectConnected(app: Awaited<ReturnType<typeof openApp>>) {
  const { page, answers } = app;
  // Read without waiting, so a page that shows something else fails with what it shows.
  const buttonStates = () =>
    page
      .locator('[data-x-connect="button"]')
      .evaluateAll((buttons) =>
        buttons.map((button) => `${button.getAttribute("data-state")} "${button.textContent}"`),
      );
  const tasks = page.getByRole("list", { name: "Attio tasks" }).getByRole("listitem");
  try {
    await within('the button to say "Connected"', async () =>
      (await buttonStates()).some((state) => state.startsWith("connected ")),
    );
    await within('the connection "Acme Sandbox" in the list', () =>
      page.locator('[data-x-connect="row"]').getByText("Acme Sandbox").isVisible(),
    );
    await within("ten Attio tasks", async () => (await tasks.count()) === 10);
  } catch (error) {
    const shown = `buttons: ${(await buttonStates()).join(", ") || "none"}; ${await tasks.count()} tasks`;
    throw new Error(
      `${(error as Error).message}; the page shows ${shown}; ${answers.join("; ") || "no API error"}`,
    );
  }
  expect(
    await page.getByText("Follow up with Acme Corp about renewal").isVisible(),
    "the first task is not on the page",
  );
  expect(!/sbx_(at|rt|ac)_/.test(await page.content()), "a sandbox token is on the page");
}
