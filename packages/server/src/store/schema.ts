import { sql } from "drizzle-orm";
import {
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

/**
 * A tenant's wrapped data keys: envelope encryption's middle layer. One version, except while a
 * data-key rotation (`x-vault rotate-data-keys`) re-seals the tenant's values: the newest seals,
 * the older ones only open until the rotation retires them.
 */
export const dataKeys = pgTable(
  "x_data_keys",
  {
    tenantId: text("tenant_id").notNull(),
    version: integer("version").notNull().default(1),
    kekVersion: text("kek_version").notNull(),
    wrapped: text("wrapped").notNull(),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.version] })],
);

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
    // The authorization server that granted the tokens, and its token endpoint then: a refresh
    // or revocation goes only to that issuer (a server whose metadata later names another is
    // refused, not trusted with this grant). Null for secrets.
    issuer: text("issuer"),
    tokenEndpoint: text("token_endpoint"),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: ["active", "auth_failed", "revoked"] })
      .notNull()
      .default("active"),
    authFailedAt: timestamp("auth_failed_at", { withTimezone: true }),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    // The sealed credential: tokens or secret, AES-256-GCM under the tenant's data key.
    sealed: text("sealed").notNull(),
    // Random, new with every write of `sealed` and bound into it (xv2): an older sealed value of
    // this row put back alone does not open. "" for rows sealed as xv1, which did not bind it.
    sealedEpoch: text("sealed_epoch").notNull().default(""),
    revision: integer("revision").notNull().default(1),
    // Refresh runs single-flight across instances: whoever holds the lease refreshes, and only
    // the owner releases it; an expired lease may be taken over.
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    refreshFailures: integer("refresh_failures").notNull().default(0),
    // When the worker should refresh (before expiry, and at least daily for idle refresh tokens)
    // and health-check the connection; null when there is nothing to do.
    nextRefreshAt: timestamp("next_refresh_at", { withTimezone: true }),
    nextCheckAt: timestamp("next_check_at", { withTimezone: true }),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
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
    // The worker's queries touch only due rows: cost grows with what is due, not with the table.
    index("x_connections_refresh_due_idx")
      .on(table.nextRefreshAt)
      .where(sql`${table.status} = 'active' and ${table.nextRefreshAt} is not null`),
    index("x_connections_check_due_idx")
      .on(table.nextCheckAt)
      .where(sql`${table.status} = 'active' and ${table.nextCheckAt} is not null`),
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
    // Null: the provider's scopes. Set by a step-up, so the grant falls back to what was asked.
    scopes: text("scopes").array(),
    // The authorization server the user was sent to, and the redirect URI named there: the code
    // is redeemed only at that issuer and only when it came back to that URI (RFC 9700 §4.4).
    issuer: text("issuer"),
    tokenEndpoint: text("token_endpoint"),
    redirectUri: text("redirect_uri"),
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

/** Outgoing webhook deliveries: the log, and the queue the worker retries from. */
export const webhookDeliveries = pgTable(
  "x_webhook_deliveries",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    eventType: text("event_type").notNull(),
    // The event as sent: connection metadata only, never a credential.
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (table) => [
    index("x_webhook_deliveries_due_idx")
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
  ],
);

export const schema = { dataKeys, connections, oauthFlows, webhookDeliveries };
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type ConnectionRow = typeof connections.$inferSelect;
export type OAuthFlowRow = typeof oauthFlows.$inferSelect;

/**
 * OAuth clients the kit registered with MCP authorization servers (RFC 7591), one per issuer
 * and redirect URI, shared by every MCP server behind that issuer. The secret part is sealed.
 */
export const mcpClientRegistrations = pgTable(
  "x_mcp_client_registrations",
  {
    id: text("id").primaryKey(),
    issuer: text("issuer").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    clientId: text("client_id").notNull(),
    tokenEndpointAuthMethod: text("token_endpoint_auth_method").notNull(),
    // { client_secret?, registration_access_token?, registration_client_uri? }, vault-sealed.
    sealed: text("sealed").notNull(),
    ...timestamps,
  },
  (table) => [
    uniqueIndex("x_mcp_client_registrations_issuer_idx").on(table.issuer, table.redirectUri),
  ],
);
export type McpClientRegistrationRow = typeof mcpClientRegistrations.$inferSelect;

/**
 * MCP servers a tenant added at run time (`POST /mcp-servers`): each becomes an `mcp` provider
 * for that tenant only. One row per canonical URL per tenant; names are unique per tenant.
 */
export const mcpServers = pgTable(
  "x_mcp_servers",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    name: text("name").notNull(),
    displayName: text("display_name").notNull(),
    url: text("url").notNull(),
    visibility: text("visibility", { enum: ["user", "workspace"] }).notNull(),
    // The user who added it: the only one who sees a user-visibility server.
    createdBy: text("created_by").notNull(),
    ...timestamps,
  },
  (table) => [
    uniqueIndex("x_mcp_servers_url_idx").on(table.tenantId, table.url),
    uniqueIndex("x_mcp_servers_name_idx").on(table.tenantId, table.name),
  ],
);
export type McpServerRow = typeof mcpServers.$inferSelect;
