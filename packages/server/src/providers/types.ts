import type { OutboundPolicy } from "../shared/outbound";

/** What the identity endpoint tells us about the connected account. */
export type AccountIdentity = {
  /** Stable id of the account at the provider (used to recognise a reconnect). */
  accountId: string | null;
  name: string | null;
  handle: string | null;
};

export type ClientAuthMethod = "client_secret_post" | "client_secret_basic" | "none";

/** What a quirk may read of a stored credential: never more than it needs. */
export type CredentialView = { accessToken: string; extras?: Record<string, string> };

/**
 * Where a provider departs from the RFCs. Each is a small named function beside the provider's
 * record, with a test and a link to the page that documents the behaviour.
 */
export type ProviderQuirks = {
  /**
   * Rewrites the token endpoint's JSON body (success or error) before oauth4webapi validates it.
   * A normalised body with an `error` field is answered as HTTP 400 (RFC 6749 §5.2).
   */
  tokenResponse?: (body: Record<string, unknown>) => Record<string, unknown>;
  /**
   * The identity URL when it depends on the credential, e.g. Salesforce's instance_url; null
   * falls back to `identity.url`.
   */
  identityUrl?: (credential: CredentialView) => string | null;
  /**
   * The HTTP status an identity answer really means, for providers that report a dead token
   * inside a 200 (Slack's `{ ok: false }`); null when the answer is what its status says.
   */
  identityStatus?: (body: unknown) => number | null;
};

/** An OAuth 2.0 provider, as data. Quirks are small named functions beside the record. */
export type OAuthProvider = {
  kind: "oauth2";
  name: string;
  displayName: string;
  iconUrl?: string;
  /** The provider's documentation this record was taken from. */
  docsUrl?: string;
  issuer?: string;
  /** RFC 9207: the provider promises `iss` on every authorization response; a missing one is refused. */
  issParameterSupported?: boolean;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  scopes: string[];
  /**
   * Scopes a step-up (`POST /connect { scopes }`, after an InsufficientScopeError) may ask for
   * beyond `scopes`: none unless listed, so a page cannot ask for what the host never meant to
   * hold. MCP servers: the resource's `scopes_supported` ("any" when it lists none).
   */
  extraScopes?: string[] | "any";
  scopeSeparator: string;
  clientAuth: ClientAuthMethod;
  /** PKCE S256; on unless a provider rejects it. */
  pkce: boolean;
  /** OpenID Connect: send and check a nonce. */
  openid?: boolean;
  authorizeParams?: Record<string, string>;
  /** RFC 8707 resource indicator, sent on authorize, token and refresh requests (MCP servers). */
  resource?: string;
  /**
   * The redirect URI registered for this provider when it is not the kit's one callback: an MCP
   * server's client the kit registered itself, one per issuer (RFC 9700 §4.4.2.2).
   */
  redirectUri?: string;
  /**
   * The origins `connections.fetch()` may send this provider's token to, e.g.
   * ["https://api.attio.com"]: a request to any other origin is refused before the token leaves.
   */
  apiOrigins?: string[];
  clientId?: string;
  clientSecret?: string;
  identity?: {
    url: string;
    /** Extra request headers the identity endpoint requires, e.g. Notion-Version. */
    headers?: Record<string, string>;
    parse: (body: unknown) => AccountIdentity;
  };
  quirks?: ProviderQuirks;
  /**
   * For endpoints a stranger's metadata named (MCP servers added by URL, discovered issuers):
   * every request to this provider goes through the SSRF guard under this policy.
   */
  outbound?: OutboundPolicy;
};

export type SecretProvider = {
  kind: "secret";
  name: string;
  displayName: string;
  iconUrl?: string;
  /** Returns an error message when the value is unusable; may call the service to check it. */
  validate?: (secret: string) => string | undefined | Promise<string | undefined>;
  /** The origins `connections.fetch()` may send this secret to (see OAuthProvider.apiOrigins). */
  apiOrigins?: string[];
};

export type Provider = OAuthProvider | SecretProvider;

export function isConfigured(provider: Provider): boolean {
  if (provider.kind === "secret") return true;
  return (
    Boolean(provider.clientId) && (provider.clientAuth === "none" || Boolean(provider.clientSecret))
  );
}
