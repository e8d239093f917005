import type { Context } from "hono";

/** Who is calling, as the host app's own session says. */
export type Identity = {
  tenantId: string;
  userId: string;
  /** Only admins may create or delete workspace connections. */
  role?: "admin" | "member";
};

export type Identify = (c: Context) => Identity | null | Promise<Identity | null>;
