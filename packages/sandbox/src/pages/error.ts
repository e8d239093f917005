import { html } from "hono/html";
import { type Html, renderPage } from "./layout";

export function errorPage(message: string): Html {
  return renderPage(
    "Authorization error",
    html`<main class="error">
  <span class="badge">Attio sandbox</span>
  <h1>This authorization request can't continue</h1>
  <p class="lead">${message}</p>
  <p class="fine">You have not been sent back to the app. Close this window and start again from there.</p>
</main>`,
  );
}
