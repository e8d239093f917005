import { randomBytes } from "node:crypto";

export type PopupResult = {
  type: "x-connect:result";
  nonce: string;
  flowId: string;
  provider: string;
  status: "success" | "error";
  connectionId?: string;
  error?: { code: string; message: string };
};

/**
 * The page the popup lands on. It carries no token: only the flow's outcome, posted to the app's
 * origin alone (never "*"), tagged with the nonce the opener is waiting for.
 */
export function renderCallbackPage(result: PopupResult, appOrigin: string): Response {
  const scriptNonce = randomBytes(16).toString("base64");
  const payload = JSON.stringify({ result, appOrigin }).replace(/</g, "\\u003c");
  const heading = result.status === "success" ? "Connected" : "Connection failed";
  const detail =
    result.status === "success"
      ? "You can close this window."
      : escapeHtml(result.error?.message ?? "Something went wrong.");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${heading}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#1f2328}main{text-align:center}</style>
</head><body><main><h1>${heading}</h1><p>${detail}</p></main>
<script type="application/json" id="x-connect-result">${payload}</script>
<script nonce="${scriptNonce}">
(function () {
  var data = JSON.parse(document.getElementById("x-connect-result").textContent);
  if (window.opener) {
    window.opener.postMessage(data.result, data.appOrigin);
    window.close();
  }
})();
</script></body></html>`;
  return new Response(html, {
    status: result.status === "success" ? 200 : 400,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "content-security-policy": `default-src 'none'; script-src 'nonce-${scriptNonce}'; style-src 'unsafe-inline'; frame-ancestors 'none'`,
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
