/**
 * Plays the person on the consent page, for tests and benchmarks: loads the page the authorize
 * URL shows, presses Allow or Deny, and returns where the sandbox redirects (the client's
 * callback, with `code` or `error`).
 */
export async function answerConsent(
  authorizeUrl: string,
  decision: "allow" | "deny" = "allow",
): Promise<URL> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  if (!requestId) throw new Error(`no consent form at ${authorizeUrl}: ${page.status}`);
  // The form's action follows the issuer's path (e.g. /tenant1/authorize/decision).
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "/authorize/decision";
  const answer = await fetch(new URL(action, authorizeUrl), {
    method: "POST",
    body: new URLSearchParams({ request_id: requestId, decision }),
    redirect: "manual",
  });
  await answer.body?.cancel();
  const location = answer.headers.get("location");
  if (!location) throw new Error(`consent did not redirect: ${answer.status}`);
  return new URL(location, authorizeUrl);
}
