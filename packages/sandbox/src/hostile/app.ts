import { createMcpSandboxApp, type McpSandboxAppOptions } from "../mcp/app";
import { ERROR_TEXT, type HostileStats, manyFieldsTokens, oversizedJson } from "./answers";
import { createHostileKnobs, type HostileKnobs } from "./knobs";

export type HostileMcpAppOptions = McpSandboxAppOptions & { hostile?: Partial<HostileKnobs> };

export type HostileMcpApp = ReturnType<typeof createHostileMcpApp>;

/**
 * The sandbox's MCP mode with a liar in front: the same MCP server and authorization server,
 * whose metadata and answers the knobs turn hostile one attack at a time. Everything a knob
 * leaves alone is the honest sandbox, so a test changes one thing and sees one defence.
 */
export function createHostileMcpApp(options: HostileMcpAppOptions) {
  const inner = createMcpSandboxApp(options);
  const hostile = createHostileKnobs(options.hostile);
  const hostileStats: HostileStats = { bytesSent: 0, hostileAnswers: 0 };
  const issuerPath = new URL(inner.issuer).pathname.replace(/\/+$/, "");
  const mcpPath = new URL(inner.url).pathname;

  const answer = (response: Response) => {
    hostileStats.hostileAnswers += 1;
    return response;
  };

  async function rewriteJson(
    response: Response,
    change: (body: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<Response> {
    if (response.status !== 200) return response;
    const body = change((await response.json()) as Record<string, unknown>);
    return Response.json(body, {
      headers: { "cache-control": response.headers.get("cache-control") ?? "no-store" },
    });
  }

  function tokenAnswer(): Response | null {
    switch (hostile.tokenResponse) {
      case "honest":
        return null;
      case "oversized":
        return oversizedJson("access_token", hostileStats);
      case "many-fields":
        return Response.json(manyFieldsTokens());
      case "control-characters":
        return Response.json({
          access_token: "hostile\r\nX-Injected: yes",
          token_type: "Bearer",
          expires_in: 3600,
        });
      case "error-text":
        return Response.json({ error: ERROR_TEXT, error_description: ERROR_TEXT }, { status: 400 });
    }
  }

  function registrationAnswer(): Response | null {
    if (hostile.registrationResponse === "oversized")
      return oversizedJson("client_id", hostileStats);
    if (hostile.registrationResponse === "error-text") {
      return Response.json({ error: ERROR_TEXT, error_description: ERROR_TEXT }, { status: 400 });
    }
    return null;
  }

  async function fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/.well-known/oauth-protected-resource")) {
      return rewriteJson(await inner.app.fetch(request), (body) =>
        hostile.authorizationServers
          ? { ...body, authorization_servers: hostile.authorizationServers }
          : body,
      );
    }
    if (/\/\.well-known\/(oauth-authorization-server|openid-configuration)/.test(pathname)) {
      return rewriteJson(await inner.app.fetch(request), (body) => ({
        ...body,
        ...hostile.metadata,
      }));
    }
    if (pathname === mcpPath && hostile.mcpRedirect) {
      return answer(
        new Response(null, { status: 302, headers: { location: hostile.mcpRedirect } }),
      );
    }
    if (request.method === "POST") {
      const hostileAnswer =
        pathname === `${issuerPath}/oauth/token`
          ? tokenAnswer()
          : pathname === `${issuerPath}/register`
            ? registrationAnswer()
            : pathname === `${issuerPath}/oauth/revoke` &&
                hostile.revocationResponse === "oversized"
              ? oversizedJson("revoked", hostileStats)
              : pathname === mcpPath &&
                  hostile.mcpResponse === "oversized" &&
                  request.headers.has("authorization")
                ? oversizedJson("result", hostileStats)
                : null;
      if (hostileAnswer) return answer(hostileAnswer);
    }
    // Any URL a provider record may name for an identity or API call, answering 150 MB.
    if (pathname === "/oversized") return answer(oversizedJson("id", hostileStats));
    return inner.app.fetch(request);
  }

  return {
    ...inner,
    app: { fetch },
    /** What the liar says; change a field between requests to move to the next attack. */
    hostile,
    hostileStats,
    /** A URL answering 150 MB, for identity or API endpoints in tests. */
    oversizedUrl: `${new URL(inner.url).origin}/oversized`,
    /** Free text the hostile server puts where an OAuth error code belongs. */
    errorText: ERROR_TEXT,
  };
}
