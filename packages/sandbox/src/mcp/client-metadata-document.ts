import { createMiddleware } from "hono/factory";
import type { SandboxClient } from "../clients";
import type { McpContext } from "./context";

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client_id
 * that is an https URL names a JSON document the server fetches. Plain http is allowed on
 * loopback here only, so tests can serve the document from a local server.
 */
export function isClientIdUrl(clientId: string): boolean {
  if (!URL.canParse(clientId)) return false;
  const url = new URL(clientId);
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return (
    (url.protocol === "https:" || (url.protocol === "http:" && loopback)) && url.pathname !== "/"
  );
}

/** The decision half: a fetched document → a public client, or the reason it is refused. */
export function clientFromMetadataDocument(
  clientId: string,
  document: unknown,
): SandboxClient | string {
  if (typeof document !== "object" || document === null) return "the document is not an object";
  const metadata = document as Record<string, unknown>;
  // The document must name itself, or any page could claim to be any client.
  if (metadata.client_id !== clientId) return "client_id in the document differs from its URL";
  const redirectUris = metadata.redirect_uris;
  if (!Array.isArray(redirectUris) || !redirectUris.every((uri) => typeof uri === "string")) {
    return "redirect_uris must be an array of strings";
  }
  const method = metadata.token_endpoint_auth_method ?? "none";
  // Shared secrets are forbidden for these clients: there is nowhere to have received one.
  if (method !== "none")
    return "a metadata-document client must use token_endpoint_auth_method none";
  return {
    clientId,
    clientSecret: "",
    tokenEndpointAuthMethod: "none",
    name: typeof metadata.client_name === "string" ? metadata.client_name : new URL(clientId).host,
    redirectUris: redirectUris as string[],
  };
}

async function fetchDocument(clientId: string): Promise<unknown> {
  const response = await fetch(clientId, {
    headers: { accept: "application/json" },
    redirect: "error",
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`the client metadata document answered ${response.status}`);
  return response.json();
}

/**
 * Before GET /authorize: a URL client_id the registry does not know is fetched and, if valid,
 * added, so the shared authorization code reads it like any registered client.
 */
export const resolveMetadataDocumentClient = (context: McpContext) =>
  createMiddleware(async function resolveMetadataDocumentClient(c, next) {
    const clientId = new URL(c.req.url).searchParams.get("client_id");
    const { clients } = context.oauth;
    if (
      clientId &&
      context.knobs.clientIdMetadataDocuments &&
      isClientIdUrl(clientId) &&
      !clients.has(clientId)
    ) {
      context.stats.clientMetadataFetches += 1;
      const client = await fetchDocument(clientId)
        .then((document) => clientFromMetadataDocument(clientId, document))
        .catch((error: Error) => error.message);
      // Unknown clients get the shared "no app is registered" page; the reason is logged for tests.
      if (typeof client === "string") console.warn(`[sandbox mcp] ${clientId}: ${client}`);
      else clients.set(clientId, client);
    }
    await next();
  });
