import { Hono } from "hono";
import type { SandboxContext } from "../context";
import { formatScope } from "../scopes";
import { type ApiEnv, requireAccessToken } from "./bearer";

const toSeconds = (milliseconds: number) => Math.floor(milliseconds / 1000);

/** GET /v2/self, Attio's "Identify" endpoint: the token, its workspace and its scopes. */
export function selfRoutes(context: SandboxContext) {
  const { issuer, workspace } = context;
  return new Hono<ApiEnv>().get("/v2/self", requireAccessToken(context), (c) => {
    const token = c.var.accessToken;
    return c.json({
      active: true,
      scope: formatScope(token.scopes),
      client_id: token.clientId,
      token_type: "Bearer",
      exp: token.expiresAt === null ? null : toSeconds(token.expiresAt),
      iat: toSeconds(token.issuedAt),
      sub: workspace.id,
      aud: token.clientId,
      iss: issuer,
      authorized_by_workspace_member_id: workspace.memberId,
      workspace_id: workspace.id,
      workspace_name: workspace.name,
      workspace_slug: workspace.slug,
      workspace_logo_url: null,
    });
  });
}
