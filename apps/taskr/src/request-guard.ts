import type { MiddlewareHandler } from "hono";

/**
 * Taskr's own JSON routes take the same CSRF defence as the kit's: a custom header a cross-site
 * form cannot send, and the app's own Origin when the browser names one.
 */
export const requireAppRequest = (origin: string): MiddlewareHandler =>
  async function requireAppRequest(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const sentOrigin = c.req.header("origin");
      if (c.req.header("x-connect-request") !== "1" || (sentOrigin && sentOrigin !== origin)) {
        return c.json(
          { error: { code: "csrf_rejected", message: "Cross-site request refused" } },
          403,
        );
      }
    }
    await next();
  };
