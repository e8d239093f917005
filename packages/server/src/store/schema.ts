import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

/** One wrapped data key per tenant: envelope encryption's middle layer. */
export const dataKeys = pgTable("x_data_keys", {
  tenantId: text("tenant_id").primaryKey(),
  kekVersion: text("kek_version").notNull(),
  wrapped: text("wrapped").notNull(),
  ...timestamps,
});

export const connections = pgTable(
  "x_connections",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    provider: text("provider").notNull(),
    visibility: text("visibility", { enum: ["user", "workspace"] }).notNull(),
    // The user who owns a user connection, or "" for a workspace one: part of the unique key,
    // so reconnecting updates the existing row instead of adding a duplicate.
    ownerKey: text("owner_key").notNull(),
    userId: text("user_id"),
    name: text("name"),
    handle: text("handle"),
    accountId: text("account_id"),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: ["active", "auth_failed", "revoked"] })
      .notNull()
      .default("active"),
    authFailedAt: timestamp("auth_failed_at", { withTimezone: true }),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    // The sealed credential: tokens or secret, AES-256-GCM under the tenant's data key.
    sealed: text("sealed").notNull(),
    revision: integer("revision").notNull().default(1),
    ...timestamps,
  },
  (table) => [
    uniqueIndex("x_connections_owner_idx").on(
      table.tenantId,
      table.provider,
      table.visibility,
      table.ownerKey,
    ),
    index("x_connections_expires_idx").on(table.expiresAt),
  ],
);

/** A pending authorization: state is stored only as its SHA-256, single use, short lived. */
export const oauthFlows = pgTable(
  "x_oauth_flows",
  {
    id: text("id").primaryKey(),
    stateHash: text("state_hash").notNull(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    provider: text("provider").notNull(),
    visibility: text("visibility", { enum: ["user", "workspace"] }).notNull(),
    mode: text("mode", { enum: ["popup", "redirect"] }).notNull(),
    returnTo: text("return_to"),
    messageNonce: text("message_nonce").notNull(),
    // code_verifier and OpenID nonce, sealed like any credential.
    sealedSecrets: text("sealed_secrets").notNull(),
    status: text("status", { enum: ["pending", "success", "error"] })
      .notNull()
      .default("pending"),
    connectionId: text("connection_id"),
    errorCode: text("error_code"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("x_oauth_flows_state_idx").on(table.stateHash),
    index("x_oauth_flows_expires_idx").on(table.expiresAt),
  ],
);

export const schema = { dataKeys, connections, oauthFlows };
export type ConnectionRow = typeof connections.$inferSelect;
export type OAuthFlowRow = typeof oauthFlows.$inferSelect;
