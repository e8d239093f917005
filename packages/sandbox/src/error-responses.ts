import type { Context } from "hono";
import { AttioApiError, OAuthError, SandboxConfigError, UnsafeAuthorizationError } from "./errors";
import { errorPage } from "./pages/error";
import { setPageHeaders } from "./pages/layout";

/** The one place that turns a typed error into its wire shape and status. */
export function errorResponse(error: Error, c: Context): Response | Promise<Response> {
  if (error instanceof OAuthError) {
    // RFC 6749 §5.2: invalid_client is 401, with a challenge for the scheme the client may use.
    const status = error.code === "invalid_client" ? 401 : 400;
    if (status === 401) c.header("WWW-Authenticate", 'Basic realm="attio-sandbox"');
    c.header("Cache-Control", "no-store");
    return c.json({ error: error.code, error_description: error.message }, status);
  }
  if (error instanceof AttioApiError) {
    // RFC 6750 §3.1: a rejected bearer token gets a challenge naming the reason.
    if (error.status === 401) {
      c.header(
        "WWW-Authenticate",
        `Bearer error="invalid_token", error_description="${error.message}"`,
      );
    }
    if (error.status === 403) {
      c.header("WWW-Authenticate", 'Bearer error="insufficient_scope"');
    }
    const { status, type, code, message } = error;
    return c.json({ status_code: status, type, code, message }, status);
  }
  if (error instanceof UnsafeAuthorizationError) {
    setPageHeaders(c);
    return c.html(errorPage(error.message), 400);
  }
  if (error instanceof SandboxConfigError) {
    return c.json({ error: { code: error.code, message: error.message } }, 400);
  }
  // Only the error itself is logged: requests carry tokens and secrets.
  console.error("[sandbox] unexpected error", error);
  return c.json({ error: { code: "internal_error", message: "unexpected sandbox error" } }, 500);
}
