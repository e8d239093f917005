import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const styles = raw(`
:root{--ink:#111318;--muted:#5d6370;--line:#e5e7eb;--bg:#f5f6f8;--card:#fff;--soft:#eef2ff;--accent:#3b5bdb;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--ink:#eceef2;--muted:#9aa1ad;--line:#2a2e36;--bg:#0d0f12;--card:#16191e;--soft:#1e2433;--accent:#8ea4ff}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;padding:24px;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Inter,Roboto,Helvetica,Arial,sans-serif}
main{width:100%;max-width:440px;background:var(--card);border:1px solid var(--line);border-radius:16px;padding:32px;box-shadow:0 1px 2px rgba(16,24,40,.04),0 16px 40px rgba(16,24,40,.08)}
.badge{display:block;width:max-content;margin:0 auto 20px;padding:2px 10px;border-radius:999px;background:var(--soft);color:var(--accent);font-size:12px;font-weight:600;letter-spacing:.02em}
.logos{display:flex;align-items:center;justify-content:center;gap:14px;margin-bottom:20px}
.logo{width:48px;height:48px;border-radius:12px;display:grid;place-items:center;font-weight:700;font-size:18px;color:#fff}
.logo.app{background:linear-gradient(135deg,#5b6cf0,#9b5de5)}
.logo.attio{background:#111318;border:1px solid var(--line)}
.link{color:var(--muted);letter-spacing:3px}
h1{margin:0 0 6px;font-size:19px;line-height:1.35;font-weight:600;text-align:center}
.lead{margin:0 0 24px;color:var(--muted);font-size:14px;text-align:center}
h2{margin:0 0 8px;font-size:12px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;color:var(--muted)}
ul{list-style:none;margin:0 0 24px;padding:0;border:1px solid var(--line);border-radius:12px}
li{display:flex;gap:12px;padding:12px 14px;border-top:1px solid var(--line)}
li:first-child{border-top:0}
.tick{flex:none;width:20px;height:20px;margin-top:1px;border-radius:50%;display:grid;place-items:center;background:var(--soft);color:var(--accent);font-size:12px;font-weight:700}
.scope{display:block;font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
.actions{display:flex;gap:12px}
button{flex:1;height:42px;border-radius:10px;border:1px solid var(--line);background:var(--card);color:var(--ink);font:inherit;font-weight:600;cursor:pointer}
button:hover{filter:brightness(.97)}
button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
button.primary{background:var(--ink);border-color:var(--ink);color:var(--card)}
.fine{margin:16px 0 0;color:var(--muted);font-size:12px;text-align:center}
.error h1{color:#c92a2a}
`);

export function renderPage(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${styles}</style>
</head>
<body>${body}</body>
</html>`;
}

/**
 * Headers for every page the user sees. The consent page must not be framed (clickjacking,
 * RFC 6749 §10.13), and form-action must allow the redirect target because Chrome applies it
 * to the redirect that follows the form post.
 */
export function setPageHeaders(c: Context, formTargets: string[] = []): void {
  const formAction = ["'self'", ...formTargets].join(" ");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; ` +
      "frame-ancestors 'none'; base-uri 'none'",
  );
  c.header("X-Frame-Options", "DENY");
  c.header("Cache-Control", "no-store");
  // Not no-referrer: under it browsers send "Origin: null" on the form post, which the
  // decision endpoint's same-origin check would refuse (Fetch, "append a request Origin header").
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Content-Type-Options", "nosniff");
}
