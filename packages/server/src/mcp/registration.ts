import type { ClientAuthMethod } from "../providers/types";
import { isHeaderSafe } from "../shared/credential-header";
import { ConnectionsError } from "../shared/errors";
import { guardedFetch, type OutboundPolicy, originOf } from "../shared/outbound";
import { hostOf, inSpan } from "../telemetry";
import type { AuthorizationServerMetadata } from "./discovery";

/** A client the authorization server knows us by. */
export type McpClient = {
  method: "pre-registered" | "client-id-metadata-document" | "dynamic";
  clientId: string;
  clientSecret?: string;
  clientAuth: ClientAuthMethod;
};

export type RegistrationChoice =
  | { method: "pre-registered" }
  | { method: "client-id-metadata-document"; clientId: string }
  | { method: "dynamic"; endpoint: string };

/**
 * The MCP spec's "Client Registration Approaches", in its order: pre-registered credentials,
 * then a Client ID Metadata Document when the server supports them and our document has an
 * https URL, then RFC 7591 dynamic registration. No I/O.
 */
export function chooseRegistration(input: {
  clientId?: string;
  metadata: AuthorizationServerMetadata;
  /** Our document's URL, or null when the kit cannot serve one at an https URL. */
  clientMetadataUrl: string | null;
}): RegistrationChoice {
  if (input.clientId) return { method: "pre-registered" };
  if (input.metadata.client_id_metadata_document_supported === true && input.clientMetadataUrl) {
    return { method: "client-id-metadata-document", clientId: input.clientMetadataUrl };
  }
  if (input.metadata.registration_endpoint) {
    return { method: "dynamic", endpoint: input.metadata.registration_endpoint };
  }
  throw new ConnectionsError(
    "mcp_registration_unavailable",
    `${originOf(input.metadata.issuer)} offers no way to register a client: set clientId for this MCP server`,
  );
}

/** RFC 8414 §2: an absent list means client_secret_basic. A confidential client prefers Basic. */
export function registrationAuthMethod(metadata: AuthorizationServerMetadata): ClientAuthMethod {
  const methods = metadata.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  if (methods.includes("client_secret_basic")) return "client_secret_basic";
  if (methods.includes("client_secret_post")) return "client_secret_post";
  return "none";
}

/** RFC 7591 §2 client metadata: a web application with our one exact redirect URI. */
export function clientMetadata(input: {
  clientName: string;
  redirectUri: string;
  clientUri: string;
  authMethod: ClientAuthMethod;
}): Record<string, unknown> {
  return {
    client_name: input.clientName,
    client_uri: input.clientUri,
    redirect_uris: [input.redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: input.authMethod,
    application_type: "web",
  };
}

/** RFC 7591 §3.2.2's codes, and RFC 6749's that a server may use: nothing else is repeated. */
const REGISTRATION_ERRORS = new Set([
  "invalid_redirect_uri",
  "invalid_client_metadata",
  "invalid_software_statement",
  "unapproved_software_statement",
  "invalid_request",
  "server_error",
  "temporarily_unavailable",
]);

const AUTH_METHODS = new Set(["client_secret_basic", "client_secret_post", "none"]);

/** A client id or secret goes into URLs and headers: printable, and of a sane length. */
function isBoundedText(value: unknown): value is string {
  return typeof value === "string" && value.length <= 1024 && isHeaderSafe(value);
}

/** RFC 7591 §3.1–3.2. */
export function registerDynamically(
  ...args: Parameters<typeof registerDynamicallyUntraced>
): Promise<{ client: McpClient; registrationAccessToken?: string }> {
  return inSpan("connections.mcp.registration", { "server.address": hostOf(args[0]) }, () =>
    registerDynamicallyUntraced(...args),
  );
}

async function registerDynamicallyUntraced(
  endpoint: string,
  metadata: Record<string, unknown>,
  policy: OutboundPolicy,
): Promise<{ client: McpClient; registrationAccessToken?: string }> {
  const response = await guardedFetch(
    endpoint,
    {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(metadata),
    },
    policy,
    "registration",
  );
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(response.text);
  } catch {}
  if (response.status !== 201 && response.status !== 200) {
    const reason = REGISTRATION_ERRORS.has(String(body.error)) ? body.error : response.status;
    throw new ConnectionsError(
      "mcp_registration_failed",
      `Registration at ${originOf(endpoint)} failed: ${reason}`,
    );
  }
  if (!isBoundedText(body.client_id)) {
    throw new ConnectionsError(
      "mcp_registration_failed",
      `${originOf(endpoint)} returned no usable client_id`,
    );
  }
  // Only a method we can perform; anything else is what we asked for.
  const answered = body.token_endpoint_auth_method;
  const method = (
    typeof answered === "string" && AUTH_METHODS.has(answered)
      ? answered
      : metadata.token_endpoint_auth_method
  ) as ClientAuthMethod;
  const secret = isBoundedText(body.client_secret) ? body.client_secret : undefined;
  return {
    client: {
      method: "dynamic",
      clientId: body.client_id,
      ...(secret ? { clientSecret: secret } : {}),
      clientAuth: secret ? method : "none",
    },
    ...(isBoundedText(body.registration_access_token)
      ? { registrationAccessToken: body.registration_access_token }
      : {}),
  };
}
