import { Hono } from "hono";
import type { SandboxContext } from "../context";
import { authenticateClient, readClientCredentials } from "./client-auth";
import { readFormBody, requireParam } from "./params";

/** RFC 7009. */
export function revokeRoutes(context: SandboxContext) {
  const { clients, knobs, stats, store } = context;
  return new Hono().post("/oauth/revoke", async (c) => {
    const body = await readFormBody(c.req.raw);
    const credentials = readClientCredentials(c.req.header("authorization"), body);
    const client = authenticateClient(credentials, clients, knobs.tokenEndpointAuth);
    const token = requireParam(body, "token");
    stats.revocations += 1;
    // token_type_hint is only a hint (§2.1); one lookup covers both kinds. §2.2: unknown
    // tokens answer 200, and so do other clients' tokens, which are left alone.
    const owner = store.findGrantOf(token);
    if (owner && owner.clientId === client.clientId) store.revokeGrant(owner.grantId);
    c.header("Cache-Control", "no-store");
    return c.body(null, 200);
  });
}
