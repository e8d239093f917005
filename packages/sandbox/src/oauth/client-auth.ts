import type { ClientRegistry, SandboxClient } from "../clients";
import { OAuthError } from "../errors";
import type { TokenEndpointAuth } from "../knobs";
import { secretsMatch } from "../secrets";
import { readParam } from "./params";

export type ClientCredentials = {
  method: "client_secret_basic" | "client_secret_post" | "none";
  clientId: string;
  clientSecret: string;
};

/** RFC 6749 §2.3.1: the Basic user and password are form-urlencoded before base64. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    throw new OAuthError("invalid_client", "the Basic credentials are not form-urlencoded");
  }
}

function readBasicCredentials(authorization: string): ClientCredentials {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization.trim());
  const decoded = match?.[1] ? Buffer.from(match[1], "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new OAuthError("invalid_client", "the Authorization header is malformed");
  return {
    method: "client_secret_basic",
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
  };
}

/** Finds how the client authenticated; RFC 6749 §2.3 allows exactly one method per request. */
export function readClientCredentials(
  authorization: string | undefined,
  body: URLSearchParams,
): ClientCredentials {
  const bodyId = readParam(body, "client_id");
  const bodySecret = readParam(body, "client_secret");
  if (authorization) {
    if (bodySecret !== null) {
      throw new OAuthError("invalid_request", "use one client authentication method, not two");
    }
    const credentials = readBasicCredentials(authorization);
    if (bodyId !== null && bodyId !== credentials.clientId) {
      throw new OAuthError("invalid_request", "client_id does not match the Basic credentials");
    }
    return credentials;
  }
  if (bodyId === null) throw new OAuthError("invalid_client", "client authentication is required");
  // A public client identifies itself with client_id alone; authenticateClient decides if it may.
  if (bodySecret === null) return { method: "none", clientId: bodyId, clientSecret: "" };
  return { method: "client_secret_post", clientId: bodyId, clientSecret: bodySecret };
}

export function authenticateClient(
  credentials: ClientCredentials,
  clients: ClientRegistry,
  allowed: TokenEndpointAuth,
): SandboxClient {
  const client = clients.get(credentials.clientId);
  if (client?.tokenEndpointAuthMethod === "none") {
    if (credentials.method !== "none") {
      throw new OAuthError("invalid_client", "this client is public and has no secret");
    }
    return client;
  }
  if (credentials.method === "none") {
    throw new OAuthError("invalid_client", "client authentication is required");
  }
  if (allowed !== "any" && credentials.method !== allowed) {
    throw new OAuthError("invalid_client", `this server requires ${allowed}`);
  }
  if (!client || !secretsMatch(credentials.clientSecret, client.clientSecret)) {
    throw new OAuthError("invalid_client", "unknown client or wrong client secret");
  }
  return client;
}

export function supportedAuthMethods(allowed: TokenEndpointAuth): string[] {
  return allowed === "any" ? ["client_secret_basic", "client_secret_post"] : [allowed];
}
