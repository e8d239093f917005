import { SandboxConfigError } from "../errors";

/** How the MCP sandbox departs from the happy path, to test each branch of a client's discovery. */
export type McpKnobs = {
  /** Adds `resource_metadata` and `scope` to the 401's WWW-Authenticate (RFC 9728 §5.1). */
  challengeParameters: boolean;
  /** Where the protected-resource metadata is served: beneath the MCP path, or at the root. */
  resourceMetadataAt: "path" | "root";
  /** "openid": only /.well-known/openid-configuration, as some OpenID providers do. */
  authorizationServerMetadata: "oauth" | "openid";
  /** "plain-only" advertises ["plain"] (the authorize endpoint still refuses plain); "absent" omits the list. */
  codeChallengeMethods: "S256" | "plain-only" | "absent";
  /** Advertises `client_id_metadata_document_supported` and accepts URL client ids. */
  clientIdMetadataDocuments: boolean;
  /** Advertises `registration_endpoint` and answers POST /register (RFC 7591). */
  dynamicRegistration: boolean;
  /** The next token request from a registered client answers invalid_client, and the client is forgotten. */
  forgetClientOnce: boolean;
  /** Cache-Control max-age on the metadata documents; null sends no-store. */
  metadataMaxAgeSeconds: number | null;
  /** What a 403 insufficient_scope names: the granted scopes and the needed ones, or only the needed. */
  stepUpScopes: "granted-and-needed" | "needed";
};

export const defaultMcpKnobs: Readonly<McpKnobs> = Object.freeze({
  challengeParameters: true,
  resourceMetadataAt: "path",
  authorizationServerMetadata: "oauth",
  codeChallengeMethods: "S256",
  clientIdMetadataDocuments: true,
  dynamicRegistration: true,
  forgetClientOnce: false,
  metadataMaxAgeSeconds: 300,
  stepUpScopes: "granted-and-needed",
});

const oneOf =
  (...values: unknown[]) =>
  (value: unknown) =>
    values.includes(value)
      ? null
      : `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;

const checks: Record<keyof McpKnobs, (value: unknown) => string | null> = {
  challengeParameters: oneOf(true, false),
  resourceMetadataAt: oneOf("path", "root"),
  authorizationServerMetadata: oneOf("oauth", "openid"),
  codeChallengeMethods: oneOf("S256", "plain-only", "absent"),
  clientIdMetadataDocuments: oneOf(true, false),
  dynamicRegistration: oneOf(true, false),
  forgetClientOnce: oneOf(true, false),
  stepUpScopes: oneOf("granted-and-needed", "needed"),
  metadataMaxAgeSeconds: (value) =>
    value === null || (Number.isInteger(value) && (value as number) >= 0)
      ? null
      : "must be null or an integer >= 0",
};

export function createMcpKnobs(overrides: Partial<McpKnobs> = {}): McpKnobs {
  for (const [name, value] of Object.entries(overrides)) {
    const check = checks[name as keyof McpKnobs];
    if (!check) throw new SandboxConfigError(`unknown MCP knob "${name}"`);
    const problem = check(value);
    if (problem) throw new SandboxConfigError(`MCP knob "${name}" ${problem}`);
  }
  return { ...defaultMcpKnobs, ...overrides };
}
