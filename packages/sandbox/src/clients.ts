import { SandboxConfigError } from "./errors";

export type SandboxClient = {
  clientId: string;
  /** Empty for a public client (tokenEndpointAuthMethod "none"). */
  clientSecret: string;
  /** Absent: a confidential client using the secret (Basic or body, as the knob allows). */
  tokenEndpointAuthMethod?: "client_secret_basic" | "client_secret_post" | "none";
  name: string;
  /** Empty: any http://localhost or http://127.0.0.1 URI is accepted (dev convenience). */
  redirectUris: string[];
};

export const defaultSandboxClient: SandboxClient = Object.freeze({
  clientId: "taskr-sandbox",
  clientSecret: "taskr-sandbox-secret",
  name: "Taskr",
  redirectUris: [],
});

/** Mutable: dynamic registration and client metadata documents add clients at run time. */
export type ClientRegistry = Map<string, SandboxClient>;

/**
 * Validated once at start; a bad client stops the start with a message naming the field.
 * `saved` are clients registered at run time before a restart (the state file); a configured
 * client of the same id wins over its saved copy.
 */
export function createClientRegistry(
  clients: readonly SandboxClient[],
  saved: readonly SandboxClient[] = [],
): ClientRegistry {
  const registry = new Map<string, SandboxClient>();
  clients.forEach((client, index) => {
    const where = `clients[${index}]`;
    if (!client.clientId) throw new SandboxConfigError(`${where}.clientId must not be empty`);
    if (!client.clientSecret && client.tokenEndpointAuthMethod !== "none") {
      throw new SandboxConfigError(`${where}.clientSecret must not be empty`);
    }
    if (registry.has(client.clientId)) {
      throw new SandboxConfigError(`${where}.clientId "${client.clientId}" is used twice`);
    }
    for (const uri of client.redirectUris) {
      if (!URL.canParse(uri) || new URL(uri).hash) {
        throw new SandboxConfigError(
          `${where}.redirectUris: "${uri}" must be an absolute URI without a fragment`,
        );
      }
    }
    registry.set(client.clientId, client);
  });
  for (const client of saved)
    if (!registry.has(client.clientId)) registry.set(client.clientId, client);
  return registry;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1"]);

/** Registered URIs match by string equality (RFC 6749 §3.1.2.3, OAuth 2.1 §2.3.1). */
export function isRedirectUriAllowed(client: SandboxClient, redirectUri: string): boolean {
  if (client.redirectUris.length > 0) return client.redirectUris.includes(redirectUri);
  if (!URL.canParse(redirectUri)) return false;
  const url = new URL(redirectUri);
  return url.protocol === "http:" && loopbackHosts.has(url.hostname) && url.hash === "";
}
