import { Hono } from "hono";
import type { SandboxContext } from "./context";
import { SandboxConfigError } from "./errors";
import { applyKnobs } from "./knobs";

/**
 * Test control for a sandbox running in another process. Loopback only by default, and it
 * holds nothing secret: it can only make the sandbox behave worse.
 */
export function controlRoutes(context: SandboxContext) {
  const { knobs, stats, store } = context;
  return new Hono()
    .get("/__sandbox/stats", (c) => c.json(stats))
    .get("/__sandbox/knobs", (c) => c.json(knobs))
    .post("/__sandbox/knobs", async (c) => {
      const patch = await c.req.json().catch(() => {
        throw new SandboxConfigError("the body must be JSON");
      });
      return c.json(applyKnobs(knobs, patch));
    })
    .post("/__sandbox/revoke-all", (c) => {
      store.revokeAll();
      return c.body(null, 204);
    })
    .post("/__sandbox/expire-access-tokens", (c) => {
      store.expireAccessTokens();
      return c.body(null, 204);
    });
}
