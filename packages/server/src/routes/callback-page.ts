import type { TypedResponse } from "hono";

export type PopupResult = {
  type: "x-connect:result";
  nonce: string;
  flowId: string;
  provider: string;
  status: "success" | "error";
  connectionId?: string;
  error?: { code: string; message: string };
};

// What the page says and posts for a failure: our words for our code. An error's own message may
// quote what a provider or its metadata sent, which is never shown (nor posted to the app).
const FAILURE_MESSAGES: Record<string, string> = {
  consent_denied: "Access was not granted.",
  invalid_state: "This sign-in is no longer valid. Start again from the app.",
  issuer_mismatch: "The answer did not come from the server this sign-in was sent to.",
  provider_unreachable: "The provider could not be reached. Try again later.",
  store_unavailable: "The service is briefly unavailable. Try again in a moment.",
  unknown_provider: "This provider is no longer available.",
};

/** The failure as the page shows and posts it: the code, and a sentence of our own for it. */
export function failureOf(code: string): { code: string; message: string } {
  return { code, message: FAILURE_MESSAGES[code] ?? "The provider answered with an error." };
}

/**
 * The page the popup lands on. It carries no token: only the flow's outcome, posted to the app's
 * origin alone (never "*"), tagged with the nonce the opener is waiting for.
 */
export function renderCallbackPage(
  result: PopupResult,
  appOrigin: string,
  scriptPath: string,
): Response & TypedResponse<string, 200 | 400, "text"> {
  const payload = JSON.stringify({ result, appOrigin }).replace(/</g, "\\u003c");
  const heading = result.status === "success" ? "Connected" : "Connection failed";
  const detail =
    result.status === "success" ? "You can close this window." : escapeHtml(result.error!.message);
  // The script is a file of the routes, not inline, so the host app's own CSP (script-src
  // 'self') allows it as well as ours. Its path is absolute: the page is served at more than one
  // depth (the plain callback and each issuer's).
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${heading}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head><body><main><h1>${heading}</h1><p>${detail}</p></main>
<script type="application/json" id="x-connect-result">${payload}</script>
<script src="${escapeHtml(scriptPath)}"></script>
</body></html>`;
  const response = new Response(html, {
    status: result.status === "success" ? 200 : 400,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "content-security-policy": "default-src 'none'; script-src 'self'; frame-ancestors 'none'",
      // Any other opener policy here makes the browser cut the popup from its opener when it
      // arrives from the provider's origin, and the result could not be posted back.
      "cross-origin-opener-policy": "unsafe-none",
    },
  });
  return response as typeof response & TypedResponse<string, 200 | 400, "text">;
}

/** Posts the outcome to the opener, only at the app's origin, then closes the popup. */
export const POPUP_RESULT_SCRIPT = `(function () {
  var element = document.getElementById("x-connect-result");
  if (!element) return;
  var data = JSON.parse(element.textContent);
  if (window.opener) {
    window.opener.postMessage(data.result, data.appOrigin);
    window.close();
  }
})();
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
