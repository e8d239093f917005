import type { MiddlewareHandler } from "hono";
import { ConnectionsError } from "../shared/errors";

export const CSRF_HEADER = "x-connect-request";

/**
 * State-changing JSON routes need a custom header (a cross-site form cannot send one, and a
 * cross-site fetch with one needs a CORS preflight we never grant) and, when the browser says
 * where it comes from, the app's own origin.
 */
export const csrfGuard = (
  appOrigin: string,
  onRefused: (reason: string) => void,
): MiddlewareHandler =>
  async function csrfGuard(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const reason = refusal(c.req.header(CSRF_HEADER), c.req.header("origin"), appOrigin);
      if (reason) {
        onRefused(reason);
        throw new ConnectionsError("csrf_rejected", `Cross-site request refused: ${reason}`);
      }
    }
    await next();
  };

/**
 * Why a request is refused, in words that say what to change: the usual cause is a front end on
 * its own origin (a Vite dev server) calling through a proxy, which `appOrigin` names.
 */
function refusal(header: string | undefined, origin: string | undefined, appOrigin: string) {
  if (header !== "1") return `it lacks the ${CSRF_HEADER}: 1 header that @x/client sends`;
  if (origin === undefined || origin === appOrigin) return null;
  const shown = /^https?:\/\/[\w.:[\]-]+$/.test(origin) ? origin : "another origin";
  return `it comes from ${shown}, not the app's origin ${appOrigin}; if the app runs there, set createConnections({ appOrigin: "${shown}" })`;
}
