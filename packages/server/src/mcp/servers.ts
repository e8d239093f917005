import { and, asc, eq, or } from "drizzle-orm";
import { ConnectionsError } from "../errors";
import type { Identity } from "../identity";
import { newId } from "../oauth/random";
import { assertFetchable, defaultOutboundPolicy } from "../shared/outbound";
import { type McpServerRow, mcpServers } from "../store/schema";
import type { Database } from "../store/store";
import { type McpProvider, mcp } from "./provider";

/** Who a lookup is for: a user-visibility server resolves only for the user who added it. */
export type ProviderOwner = { tenantId: string; userId?: string | null };

export type AddMcpServerInput = {
  url: string;
  visibility: "user" | "workspace";
  name?: string | undefined;
  displayName?: string | undefined;
};

export type McpServerRegistry = ReturnType<typeof createMcpServerRegistry>;

/**
 * The URL an added server is known by: what the duplicate check compares and the RFC 8707
 * resource we send. WHATWG parsing already lowercases the host and drops a default port.
 */
export function canonicalServerUrl(input: string, allowPrivateNetwork: boolean): string {
  if (!URL.canParse(input)) throw invalidUrl("url: must be an absolute URL");
  const url = new URL(input);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowPrivateNetwork)) {
    throw invalidUrl("url: must be an https URL");
  }
  if (url.username || url.password) throw invalidUrl("url: must not carry credentials");
  url.hash = "";
  return url.href;
}

/** "https://mcp.example.com:8443/mcp" → "mcp-example-com-8443": kebab-case, as provider names. */
export function serverNameFrom(url: string): string {
  const { hostname, port } = new URL(url);
  const words = `${hostname.replace(/^\[|\]$/g, "")} ${port}`
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const name = words.join("-").slice(0, 60).replace(/-+$/, "");
  return /^[a-z]/.test(name) ? name : `mcp-${name}`;
}

export function isVisibleTo(row: McpServerRow, owner: ProviderOwner): boolean {
  if (row.tenantId !== owner.tenantId) return false;
  return row.visibility === "workspace" || row.createdBy === owner.userId;
}

const invalidUrl = (message: string) => new ConnectionsError("invalid_request", message);

/**
 * Runtime-added MCP servers: rows in `x_mcp_servers`, each materialised once per process as an
 * `mcp()` provider (discovery state included). Lookups that miss the memory read the table, so
 * a server another instance added is found on its first use here.
 */
export function createMcpServerRegistry(deps: {
  db(): Promise<Database>;
  allowPrivateNetwork: boolean;
  /** Origins allowed although private or plain http (a local server the host runs itself). */
  allowedOrigins: ReadonlySet<string>;
  /** Names the host's own providers hold: an added server may not take one. */
  reservedNames: ReadonlySet<string>;
  /** Discovers and registers (the same preparation `mcp()` providers get on start). */
  prepare(provider: McpProvider): Promise<void>;
}) {
  const providers = new Map<string, McpProvider>();
  const allowsPrivate = (url: string) =>
    deps.allowPrivateNetwork || (URL.canParse(url) && deps.allowedOrigins.has(new URL(url).origin));

  function providerFor(row: McpServerRow): McpProvider {
    const known = providers.get(row.id);
    if (known) return known;
    const made = mcp({
      name: row.name,
      url: row.url,
      displayName: row.displayName,
      allowPrivateNetwork: deps.allowPrivateNetwork,
      allowedOrigins: deps.allowedOrigins,
    });
    providers.set(row.id, made);
    return made;
  }

  // Rows are never changed or removed yet, so a row once found is kept: getCredential's warm
  // path stays free of queries for added servers too.
  const rowsByName = new Map<string, McpServerRow>();

  async function find(name: string, owner: ProviderOwner): Promise<McpProvider | undefined> {
    const key = `${owner.tenantId}\n${name}`;
    let row = rowsByName.get(key);
    if (!row) {
      const db = await deps.db();
      [row] = await db
        .select()
        .from(mcpServers)
        .where(and(eq(mcpServers.tenantId, owner.tenantId), eq(mcpServers.name, name)));
      if (row) rowsByName.set(key, row);
    }
    return row && isVisibleTo(row, owner) ? providerFor(row) : undefined;
  }

  /** The servers the caller may see (their own and the workspace's), oldest first. */
  async function list(identity: Identity): Promise<{ row: McpServerRow; provider: McpProvider }[]> {
    const db = await deps.db();
    const rows = await db
      .select()
      .from(mcpServers)
      .where(
        and(
          eq(mcpServers.tenantId, identity.tenantId),
          or(eq(mcpServers.visibility, "workspace"), eq(mcpServers.createdBy, identity.userId)),
        ),
      )
      .orderBy(asc(mcpServers.createdAt));
    return rows.map((row) => ({ row, provider: providerFor(row) }));
  }

  async function findByUrl(tenantId: string, url: string): Promise<McpServerRow | undefined> {
    const db = await deps.db();
    const [row] = await db
      .select()
      .from(mcpServers)
      .where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.url, url)));
    return row;
  }

  /** The existing server for that URL when the caller can see it; else discovers and saves. */
  async function add(
    identity: Identity,
    input: AddMcpServerInput,
  ): Promise<{ row: McpServerRow; provider: McpProvider; created: boolean }> {
    if (input.visibility === "workspace" && identity.role !== "admin") {
      throw new ConnectionsError("forbidden", "Only admins may add MCP servers for the workspace");
    }
    const url = canonicalServerUrl(input.url, allowsPrivate(input.url));
    const existing = await findByUrl(identity.tenantId, url);
    if (existing) {
      if (!isVisibleTo(existing, identity)) {
        throw new ConnectionsError(
          "mcp_server_exists",
          "Another member added this MCP server for themselves: ask an admin to add it for the workspace",
        );
      }
      return { row: existing, provider: providerFor(existing), created: false };
    }
    const name = input.name ?? serverNameFrom(url);
    await assertNameFree(identity.tenantId, name);
    await assertPublic(url);
    const provider = mcp({
      name,
      url,
      displayName: input.displayName ?? name,
      allowPrivateNetwork: deps.allowPrivateNetwork,
      allowedOrigins: deps.allowedOrigins,
    });
    // Discovery and registration succeed before anything is saved: a bad URL leaves no row.
    await deps.prepare(provider);
    const db = await deps.db();
    const [row] = await db
      .insert(mcpServers)
      .values({
        id: newId(),
        tenantId: identity.tenantId,
        name,
        displayName: provider.displayName,
        url,
        visibility: input.visibility,
        createdBy: identity.userId,
      })
      .onConflictDoNothing()
      .returning();
    if (row) {
      providers.set(row.id, provider);
      return { row, provider, created: true };
    }
    // Another request added the same URL (or took the name) while we were discovering.
    const raced = await findByUrl(identity.tenantId, url);
    if (raced) return { row: raced, provider: providerFor(raced), created: false };
    throw nameTaken(name);
  }

  async function assertNameFree(tenantId: string, name: string): Promise<void> {
    if (deps.reservedNames.has(name)) throw nameTaken(name);
    const db = await deps.db();
    const [row] = await db
      .select({ id: mcpServers.id })
      .from(mcpServers)
      .where(and(eq(mcpServers.tenantId, tenantId), eq(mcpServers.name, name)));
    if (row) throw nameTaken(name);
  }

  /**
   * The SSRF guard before any request, so a refused host answers 400, not a discovery error. A
   * private address and a name that does not resolve get the same answer: telling them apart
   * would let a member map the internal DNS names of the network the kit runs in.
   */
  async function assertPublic(url: string): Promise<void> {
    try {
      await assertFetchable(new URL(url), {
        ...defaultOutboundPolicy,
        allowPrivateNetwork: deps.allowPrivateNetwork,
        allowedOrigins: deps.allowedOrigins,
      });
    } catch {
      throw invalidUrl("url: the host is not a public address this server may reach");
    }
  }

  return { find, list, add };
}

const nameTaken = (name: string) =>
  new ConnectionsError(
    "provider_name_taken",
    `A provider named ${name} already exists: choose another name`,
  );
