import { Hono } from "hono";
import type { SecretInput } from "../connect/secret";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { caller, type Env } from "./env";
import { readJsonBody } from "./request-body";
import { type ConnectionView, idParam, renameBody, secretBody } from "./schemas";

export type ConnectionsRoutesDeps = {
  /** The caller's user connections and the tenant's workspace ones. */
  list(identity: Identity): Promise<ConnectionView[]>;
  saveSecret(
    identity: Identity,
    input: SecretInput,
  ): Promise<{ connection: ConnectionView; created: boolean }>;
  rename(identity: Identity, id: string, name: string): Promise<ConnectionView>;
  disconnect(identity: Identity, id: string): Promise<void>;
  check(identity: Identity, id: string): Promise<ConnectionView>;
};

/** The caller's connections: list, secrets, rename, disconnect, health check. */
export function connectionsRoutes(deps: ConnectionsRoutesDeps) {
  const app = new Hono<Env>();

  app.get("/connections", async (c) => c.json({ connections: await deps.list(caller(c)) }));

  app.post("/connections", async (c) => {
    const identity = caller(c);
    const body = secretBody.parse(await readJsonBody(c));
    // A second key for the same provider replaces the first: 200, not a new resource.
    const { connection, created } = await deps.saveSecret(identity, body);
    return c.json({ connection }, created ? 201 : 200);
  });

  app.patch("/connections/:id", async (c) => {
    const identity = caller(c);
    const id = parseId(c.req.param("id"));
    const body = renameBody.parse(await readJsonBody(c));
    return c.json({ connection: await deps.rename(identity, id, body.name) });
  });

  app.delete("/connections/:id", async (c) => {
    await deps.disconnect(caller(c), parseId(c.req.param("id")));
    return c.body(null, 204);
  });

  app.post("/connections/:id/check", async (c) => {
    const identity = caller(c);
    return c.json({ connection: await deps.check(identity, parseId(c.req.param("id"))) });
  });

  return app;
}

export function parseId(value: string, notFound = "No such connection"): string {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw new ConnectionsError("not_found", notFound);
  return parsed.data;
}
