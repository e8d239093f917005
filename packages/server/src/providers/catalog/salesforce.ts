import type { AccountIdentity, CredentialView, OAuthProvider } from "../types";
import { type CatalogOptions, text, trimSlash, withOptions } from "./shared";

export type SalesforceOptions = CatalogOptions & {
  /** "https://test.salesforce.com" for sandboxes, or a My Domain URL. Default production login. */
  loginUrl?: string | undefined;
};

/**
 * Salesforce's web server flow: PKCE, space-separated scopes (`refresh_token` asks for one), an
 * RFC 7009 revocation endpoint. The token response's `instance_url` is where the org's API lives;
 * it is kept with the credential (extras) and names the identity endpoint too.
 */
export function salesforce(options: SalesforceOptions = {}): OAuthProvider {
  const loginUrl = trimSlash(options.loginUrl ?? "https://login.salesforce.com");
  return withOptions(
    {
      kind: "oauth2",
      name: "salesforce",
      displayName: "Salesforce",
      docsUrl:
        "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm&type=5",
      authorizationEndpoint: `${loginUrl}/services/oauth2/authorize`,
      tokenEndpoint: `${loginUrl}/services/oauth2/token`,
      revocationEndpoint: `${loginUrl}/services/oauth2/revoke`,
      scopes: ["api", "refresh_token"],
      scopeSeparator: " ",
      apiOrigins: ["https://*.salesforce.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      identity: { url: `${loginUrl}/services/oauth2/userinfo`, parse: parseSalesforceUserinfo },
      quirks: { identityUrl: salesforceIdentityUrl },
    },
    options,
  );
}

/** The org's own userinfo endpoint; the login host's (null) only when the instance is unknown. */
export function salesforceIdentityUrl(credential: CredentialView): string | null {
  const instanceUrl = credential.extras?.instance_url;
  return instanceUrl ? `${trimSlash(instanceUrl)}/services/oauth2/userinfo` : null;
}

/** Salesforce's userinfo: OpenID claims plus the org. */
export function parseSalesforceUserinfo(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "user_id") ?? text(body, "sub"),
    name: text(body, "name"),
    handle: text(body, "preferred_username") ?? text(body, "email"),
  };
}
