import type { Context, Env } from "hono";

/** Who is calling, as the host app's own session says. */
export type Identity = {
  tenantId: string;
  userId: string;
  /** Only admins may create or delete workspace connections. */
  role?: "admin" | "member" | undefined;
};

/**
 * Reads the caller from the host's own session. Generic over the host's Hono env, so the
 * host's variables are typed: `createConnections<AppEnv>({ identify: (c) => c.get("user") … })`.
 */
// biome-ignore lint/suspicious/noExplicitAny: Hono's own default: any env a host app has
export type Identify<HostEnv extends Env = any> = (
  c: Context<HostEnv>,
) => Identity | null | Promise<Identity | null>;
