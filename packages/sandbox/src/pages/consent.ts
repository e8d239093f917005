import { html } from "hono/html";
import { attioScopes, isAttioScope } from "../scopes";
import { type Html, renderPage } from "./layout";

export type ConsentPageInput = {
  clientName: string;
  workspaceName: string;
  scopes: string[];
  /** The server-side pending request; the form carries nothing else the user could edit. */
  requestId: string;
  redirectUri: string;
  /** Where the form posts; "/authorize/decision" unless the issuer has a path. */
  decisionPath?: string;
};

function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .map((word) => word[0] ?? "")
    .join("");
  return letters.slice(0, 2).toUpperCase() || "?";
}

export function consentPage(input: ConsentPageInput): Html {
  const scopeItems = input.scopes.map(
    (scope) => html`<li>
      <span class="tick" aria-hidden="true">✓</span>
      <span>${isAttioScope(scope) ? attioScopes[scope] : scope}<span class="scope">${scope}</span></span>
    </li>`,
  );
  const redirectHost = new URL(input.redirectUri).host;
  return renderPage(
    `Authorize ${input.clientName}`,
    html`<main>
  <span class="badge">Attio sandbox</span>
  <div class="logos" aria-hidden="true">
    <span class="logo app">${initials(input.clientName)}</span>
    <span class="link">···</span>
    <span class="logo attio">A</span>
  </div>
  <h1>${input.clientName} wants to access your Attio workspace ${input.workspaceName}</h1>
  <p class="lead">Review what ${input.clientName} will be able to do.</p>
  <h2>This will allow ${input.clientName} to</h2>
  <ul>${scopeItems}</ul>
  <form method="post" action="${input.decisionPath ?? "/authorize/decision"}">
    <input type="hidden" name="request_id" value="${input.requestId}">
    <div class="actions">
      <button type="submit" name="decision" value="deny">Deny</button>
      <button type="submit" name="decision" value="allow" class="primary">Allow</button>
    </div>
  </form>
  <p class="fine">You will be sent back to ${redirectHost}.</p>
</main>`,
  );
}
