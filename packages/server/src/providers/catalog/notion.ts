import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, defined, type JsonObject, text, withOptions } from "./shared";

export type NotionOptions = CatalogOptions;

/** The Notion API version the identity request is written against. */
export const NOTION_VERSION = "2022-06-28";

/**
 * Notion public integrations: HTTP Basic client authentication at the token endpoint,
 * `owner=user` on the authorize URL, no scopes (access is chosen page by page on Notion's consent
 * screen) and no PKCE. The token response names the workspace; access tokens carry no expiry.
 * The API refuses requests without a Notion-Version header.
 */
export function notion(options: NotionOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "notion",
      displayName: "Notion",
      docsUrl: "https://developers.notion.com/docs/authorization",
      authorizationEndpoint: "https://api.notion.com/v1/oauth/authorize",
      tokenEndpoint: "https://api.notion.com/v1/oauth/token",
      scopes: [],
      scopeSeparator: " ",
      apiOrigins: ["https://api.notion.com"],
      clientAuth: "client_secret_basic",
      pkce: false,
      authorizeParams: { owner: "user" },
      identity: {
        url: "https://api.notion.com/v1/users/me",
        headers: { "Notion-Version": NOTION_VERSION },
        parse: parseNotionBotUser,
      },
      quirks: { tokenResponse: notionTokenResponse },
    },
    options,
  );
}

/**
 * The workspace and the person who installed the integration come nested under `owner`; they
 * are flattened to strings so they are kept with the credential (as extras) for backend code.
 */
export function notionTokenResponse(body: JsonObject): JsonObject {
  return defined({
    ...body,
    owner: undefined,
    owner_type: text(body, "owner", "type") ?? undefined,
    owner_user_id: text(body, "owner", "user", "id") ?? undefined,
    owner_user_name: text(body, "owner", "user", "name") ?? undefined,
    owner_user_email: text(body, "owner", "user", "person", "email") ?? undefined,
  });
}

/** GET /v1/users/me answers the integration's bot user, which names its workspace. */
export function parseNotionBotUser(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "bot", "workspace_id") ?? text(body, "id"),
    name: text(body, "bot", "workspace_name") ?? text(body, "name"),
    handle: text(body, "bot", "owner", "user", "person", "email"),
  };
}
