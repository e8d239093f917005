import { SandboxConfigError } from "../errors";

/**
 * How a hostile MCP server and its authorization server lie. Each knob is one attack a client
 * must survive; "honest" answers as the sandbox's MCP mode would.
 */
export type HostileKnobs = {
  /**
   * Fields merged into the authorization server's metadata (RFC 8414), e.g.
   * `{ authorization_endpoint: "javascript:alert(document.cookie)" }` or a token endpoint on an
   * attacker's origin (mix-up, RFC 9700 §4.4).
   */
  metadata: Record<string, unknown>;
  /** Replaces the resource metadata's `authorization_servers`: the server moves to another AS. */
  authorizationServers: string[] | null;
  /**
   * The token endpoint's answer: a 150 MB body ("oversized"), hundreds of unknown fields
   * ("many-fields"), an access token with CR/LF ("control-characters"), or an error whose code
   * and description are free text meant to be shown ("error-text").
   */
  tokenResponse: "honest" | "oversized" | "many-fields" | "control-characters" | "error-text";
  /** The registration endpoint's answer (RFC 7591). */
  registrationResponse: "honest" | "oversized" | "error-text";
  /** The revocation endpoint's answer (RFC 7009). */
  revocationResponse: "honest" | "oversized";
  /** The MCP endpoint's answer to an authorized request: one 150 MB reply. */
  mcpResponse: "honest" | "oversized";
  /** Where the MCP endpoint redirects every request (302), e.g. an internal address. */
  mcpRedirect: string | null;
};

export const defaultHostileKnobs: Readonly<HostileKnobs> = Object.freeze({
  metadata: {},
  authorizationServers: null,
  tokenResponse: "honest",
  registrationResponse: "honest",
  revocationResponse: "honest",
  mcpResponse: "honest",
  mcpRedirect: null,
});

const oneOf =
  (...values: unknown[]) =>
  (value: unknown) =>
    values.includes(value)
      ? null
      : `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;

const checks: Record<keyof HostileKnobs, (value: unknown) => string | null> = {
  metadata: (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? null
      : "must be an object",
  authorizationServers: (value) =>
    value === null || (Array.isArray(value) && value.every((v) => typeof v === "string"))
      ? null
      : "must be null or a list of issuer URLs",
  tokenResponse: oneOf("honest", "oversized", "many-fields", "control-characters", "error-text"),
  registrationResponse: oneOf("honest", "oversized", "error-text"),
  revocationResponse: oneOf("honest", "oversized"),
  mcpResponse: oneOf("honest", "oversized"),
  mcpRedirect: (value) =>
    value === null || typeof value === "string" ? null : "must be a URL or null",
};

export function createHostileKnobs(overrides: Partial<HostileKnobs> = {}): HostileKnobs {
  for (const [name, value] of Object.entries(overrides)) {
    const check = checks[name as keyof HostileKnobs];
    if (!check) throw new SandboxConfigError(`unknown hostile knob "${name}"`);
    const problem = check(value);
    if (problem) throw new SandboxConfigError(`hostile knob "${name}" ${problem}`);
  }
  return { ...defaultHostileKnobs, metadata: {}, ...overrides };
}
