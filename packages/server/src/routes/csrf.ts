import type { MiddlewareHandler } from "hono";
import { ConnectionsError } from "../shared/errors";

export const CSRF_HEADER = "x-connect-request";

/**
 * State-changing JSON routes need a custom header (a cross-site form cannot send one, and a
 * cross-site fetch with one needs a CORS preflight we never grant) and, when the browser says
 * where it comes from, the app's own origin.
 */
export const csrfGuard = (appOrigin: string): MiddlewareHandler =>
  async function csrfGuard(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const origin = c.req.header("origin");
      if (c.req.header(CSRF_HEADER) !== "1" || (origin !== undefined && origin !== appOrigin)) {
        throw new ConnectionsError("csrf_rejected", "Cross-site request refused");
      }
    }
    await next();
  };
