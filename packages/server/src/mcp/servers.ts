import type { ProviderOwner } from "../providers/registry";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { newId } from "../shared/ids";
import { assertFetchable, defaultOutboundPolicy } from "../shared/outbound";
import type { McpServerRow } from "../store/schema";
import type { Database } from "../store/store";
import { type McpServerProvider, createMcpProvider as mcp } from "./provider";
import {
  countOwnServers,
  deleteServer,
  findServerById,
  findServerByName,
  findServerByUrl,
  findServersByNames,
  insertServer,
  listVisibleServers,
  makeWorkspaceServer,
} from "./servers-repository";

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
  /** How many servers one member may add for themselves. */
  maxServersPerUser: number;
  /** Names the host's own providers hold: an added server may not take one. */
  reservedNames: ReadonlySet<string>;
  /** Discovers and registers (the same preparation `mcp()` providers get on start). */
  prepare(provider: McpServerProvider): Promise<void>;
}) {
  const providers = new Map<string, McpServerProvider>();
  const allowsPrivate = (url: string) =>
    deps.allowPrivateNetwork || (URL.canParse(url) && deps.allowedOrigins.has(new URL(url).origin));

  function providerFor(row: McpServerRow): McpServerProvider {
    const known = providers.get(row.id);
    if (known && known.displayName === row.displayName) return known;
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

  // A row found is kept for a while, so getCredential's warm path stays free of queries for
  // added servers too. Another instance's promotion or removal is seen within ROW_TTL_MS;
  // this instance's own at once.
  const rowsByName = new Map<string, { row: McpServerRow; until: number }>();
  const rowKey = (tenantId: string, name: string) => `${tenantId}\n${name}`;
  const forget = (row: McpServerRow) => rowsByName.delete(rowKey(row.tenantId, row.name));

  async function find(name: string, owner: ProviderOwner): Promise<McpServerProvider | undefined> {
    const key = rowKey(owner.tenantId, name);
    let cached = rowsByName.get(key);
    if (!cached || cached.until <= Date.now()) {
      const found = await findServerByName(await deps.db(), owner.tenantId, name);
      cached = found ? { row: found, until: Date.now() + ROW_TTL_MS } : undefined;
      if (cached) rowsByName.set(key, cached);
      else rowsByName.delete(key);
    }
    return cached && isVisibleTo(cached.row, owner) ? providerFor(cached.row) : undefined;
  }

  /** `find` for many lookups at once (the worker's claimed rows): one query for all the misses. */
  async function findMany(
    lookups: readonly { name: string; owner: ProviderOwner }[],
  ): Promise<(McpServerProvider | undefined)[]> {
    const now = Date.now();
    const keys = lookups.map(({ name, owner }) => rowKey(owner.tenantId, name));
    const stale = lookups.filter((_, index) => !((rowsByName.get(keys[index]!)?.until ?? 0) > now));
    if (stale.length > 0) {
      const tenants = new Set(stale.map(({ owner }) => owner.tenantId));
      const names = new Set(stale.map(({ name }) => name));
      const rows = await findServersByNames(await deps.db(), [...tenants], [...names]);
      for (const { name, owner } of stale) rowsByName.delete(rowKey(owner.tenantId, name));
      for (const row of rows) {
        rowsByName.set(rowKey(row.tenantId, row.name), { row, until: now + ROW_TTL_MS });
      }
    }
    return lookups.map(({ owner }, index) => {
      const cached = rowsByName.get(keys[index]!);
      return cached && isVisibleTo(cached.row, owner) ? providerFor(cached.row) : undefined;
    });
  }

  /** The servers the caller may see (their own and the workspace's), oldest first. */
  async function list(
    identity: Identity,
  ): Promise<{ row: McpServerRow; provider: McpServerProvider }[]> {
    const rows = await listVisibleServers(await deps.db(), identity);
    return rows.map((row) => ({ row, provider: providerFor(row) }));
  }

  /** The existing server for that URL when the caller can see it; else discovers and saves. */
  async function add(
    identity: Identity,
    input: AddMcpServerInput,
  ): Promise<{ row: McpServerRow; provider: McpServerProvider; created: boolean }> {
    const workspace = input.visibility === "workspace";
    if (workspace && identity.role !== "admin") {
      throw new ConnectionsError("forbidden", "Only admins may add MCP servers for the workspace");
    }
    const db = await deps.db();
    const url = canonicalServerUrl(input.url, allowsPrivate(input.url));
    const existing = await findServerByUrl(db, identity.tenantId, url);
    if (existing) {
      // The workspace's server is the admins' to add: a member who added the URL for themselves
      // first does not keep it from the workspace. Their row becomes the workspace's, under the
      // admin's words (a member's display name is not shown to everyone); their connections to
      // it stay theirs.
      if (workspace && existing.visibility === "user") {
        const displayName = input.displayName ?? existing.name;
        const promoted = (await makeWorkspaceServer(db, existing.id, displayName)) ?? existing;
        forget(existing);
        return { row: promoted, provider: providerFor(promoted), created: false };
      }
      if (!isVisibleTo(existing, identity)) {
        throw new ConnectionsError(
          "mcp_server_exists",
          "Another member added this MCP server for themselves: ask an admin to add it for the workspace",
        );
      }
      return { row: existing, provider: providerFor(existing), created: false };
    }
    if (
      !workspace &&
      (await countOwnServers(db, identity.tenantId, identity.userId)) >= deps.maxServersPerUser
    ) {
      throw new ConnectionsError(
        "mcp_server_limit",
        `A member may add ${deps.maxServersPerUser} MCP servers for themselves: remove one first`,
      );
    }
    const name = await freeName(db, identity, input.name ?? serverNameFrom(url), workspace);
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
    const row = await insertServer(db, {
      id: newId(),
      tenantId: identity.tenantId,
      name,
      displayName: provider.displayName,
      url,
      visibility: input.visibility,
      createdBy: identity.userId,
    });
    if (row) {
      providers.set(row.id, provider);
      return { row, provider, created: true };
    }
    // Another request added the same URL (or took the name) while we were discovering.
    const raced = await findServerByUrl(db, identity.tenantId, url);
    if (raced) return { row: raced, provider: providerFor(raced), created: false };
    throw nameTaken(name);
  }

  /**
   * The name asked for, when free. A member's private server holding it does not stop an admin
   * adding the workspace's: the workspace's gets the first free "<name>-2", "<name>-3"… instead
   * (the answer names it; a member can hold few, see maxServersPerUser). A name the host's
   * providers or another workspace server hold is refused.
   */
  async function freeName(
    db: Database,
    identity: Identity,
    name: string,
    workspace: boolean,
  ): Promise<string> {
    if (deps.reservedNames.has(name)) throw nameTaken(name);
    const holder = await findServerByName(db, identity.tenantId, name);
    if (!holder) return name;
    if (!workspace || holder.visibility === "workspace") throw nameTaken(name);
    for (let suffix = 2; suffix <= deps.maxServersPerUser + 1; suffix++) {
      const candidate = `${name.slice(0, 60)}-${suffix}`;
      const taken = deps.reservedNames.has(candidate);
      if (!taken && !(await findServerByName(db, identity.tenantId, candidate))) return candidate;
    }
    throw nameTaken(name);
  }

  /**
   * Removes an added server: its connections are revoked and deleted first, while the server is
   * still known (revocation needs its endpoints). The user who added a private server may remove
   * it; a workspace server, or any of the tenant's, an admin.
   */
  async function remove(
    identity: Identity,
    id: string,
    /** Revokes and deletes every connection of the tenant to the server. */
    disconnectAll: (provider: McpServerProvider, tenantId: string) => Promise<void>,
  ): Promise<void> {
    const db = await deps.db();
    const row = await findServerById(db, identity.tenantId, id);
    const admin = identity.role === "admin";
    if (!row || (!admin && !isVisibleTo(row, identity))) {
      throw new ConnectionsError("not_found", "No such MCP server");
    }
    if (row.visibility === "workspace" && !admin) {
      throw new ConnectionsError("forbidden", "Only an admin can remove a workspace MCP server");
    }
    await disconnectAll(providerFor(row), row.tenantId);
    await deleteServer(db, row.id);
    forget(row);
    providers.delete(row.id);
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

  return { find, findMany, list, add, remove };
}

/** How long another instance's promotion or removal of a server may go unseen here. */
export const ROW_TTL_MS = 30_000;

const nameTaken = (name: string) =>
  new ConnectionsError(
    "provider_name_taken",
    `A provider named ${name} already exists: choose another name`,
  );
