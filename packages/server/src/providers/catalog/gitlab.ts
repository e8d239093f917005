import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, text, trimSlash, withOptions } from "./shared";

export type GitLabOptions = CatalogOptions & {
  /** A self-managed instance, e.g. "https://gitlab.example.com". Default gitlab.com. */
  baseUrl?: string | undefined;
};

/**
 * GitLab (Doorkeeper): standard OAuth 2.0 with PKCE, space-separated scopes, two-hour access
 * tokens with rotating refresh tokens, and an RFC 7009 revocation endpoint.
 */
export function gitlab(options: GitLabOptions = {}): OAuthProvider {
  const baseUrl = trimSlash(options.baseUrl ?? "https://gitlab.com");
  return withOptions(
    {
      kind: "oauth2",
      name: "gitlab",
      displayName: "GitLab",
      docsUrl: "https://docs.gitlab.com/api/oauth2/",
      authorizationEndpoint: `${baseUrl}/oauth/authorize`,
      tokenEndpoint: `${baseUrl}/oauth/token`,
      revocationEndpoint: `${baseUrl}/oauth/revoke`,
      scopes: ["read_user"],
      scopeSeparator: " ",
      apiOrigins: [new URL(baseUrl).origin],
      clientAuth: "client_secret_post",
      pkce: true,
      identity: { url: `${baseUrl}/api/v4/user`, parse: parseGitLabUser },
    },
    options,
  );
}

/** GET /api/v4/user. */
export function parseGitLabUser(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "id"),
    name: text(body, "name") ?? text(body, "username"),
    handle: text(body, "username"),
  };
}
