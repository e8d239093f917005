/** What the identity endpoint tells us about the connected account. */
export type AccountIdentity = {
  /** Stable id of the account at the provider (used to recognise a reconnect). */
  accountId: string | null;
  name: string | null;
  handle: string | null;
};

export type ClientAuthMethod = "client_secret_post" | "client_secret_basic" | "none";

/** An OAuth 2.0 provider, as data. Quirks are small named functions beside the record. */
export type OAuthProvider = {
  kind: "oauth2";
  name: string;
  displayName: string;
  iconUrl?: string;
  /** The provider's documentation this record was taken from. */
  docsUrl?: string;
  issuer?: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  scopes: string[];
  scopeSeparator: string;
  clientAuth: ClientAuthMethod;
  /** PKCE S256; on unless a provider rejects it. */
  pkce: boolean;
  /** OpenID Connect: send and check a nonce. */
  openid?: boolean;
  authorizeParams?: Record<string, string>;
  clientId?: string;
  clientSecret?: string;
  identity?: {
    url: string;
    parse: (body: unknown) => AccountIdentity;
  };
};

export type SecretProvider = {
  kind: "secret";
  name: string;
  displayName: string;
  iconUrl?: string;
  /** Returns an error message when the value is unusable; may call the service to check it. */
  validate?: (secret: string) => string | undefined | Promise<string | undefined>;
};

export type Provider = OAuthProvider | SecretProvider;

/** The public description of a provider: what `GET /providers` returns. */
export type ProviderInfo = {
  name: string;
  displayName: string;
  kind: "oauth2" | "secret";
  configured: boolean;
  scopes: string[];
  iconUrl?: string;
};

export function isConfigured(provider: Provider): boolean {
  if (provider.kind === "secret") return true;
  return (
    Boolean(provider.clientId) && (provider.clientAuth === "none" || Boolean(provider.clientSecret))
  );
}

export function describeProvider(provider: Provider): ProviderInfo {
  return {
    name: provider.name,
    displayName: provider.displayName,
    kind: provider.kind,
    configured: isConfigured(provider),
    scopes: provider.kind === "oauth2" ? provider.scopes : [],
    ...(provider.iconUrl ? { iconUrl: provider.iconUrl } : {}),
  };
}
