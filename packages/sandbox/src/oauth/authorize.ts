import { Hono } from "hono";
import type { SandboxContext } from "../context";
import { OAuthError, UnsafeAuthorizationError } from "../errors";
import { consentPage } from "../pages/consent";
import { setPageHeaders } from "../pages/layout";
import { checkAuthorizationRequest } from "./authorization-request";
import type { AuthorizationRequest } from "./grants";
import { readFormBody } from "./params";

/** Appends the response parameters, keeping any query the registered URI already has. */
export function redirectWith(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.href;
}

/**
 * A decision must come from our own consent page. Browsers send Origin on form posts; a
 * different one means another site is submitting the user's decision for them.
 */
function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(request.url).origin) {
    throw new UnsafeAuthorizationError("The decision was not sent from the consent page.");
  }
}

async function readDecision(request: Request): Promise<{ requestId: string; allow: boolean }> {
  try {
    const form = await readFormBody(request);
    const requestId = form.get("request_id");
    const decision = form.get("decision");
    if (requestId && (decision === "allow" || decision === "deny")) {
      return { requestId, allow: decision === "allow" };
    }
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
  }
  throw new UnsafeAuthorizationError("The consent form was incomplete.");
}

export function authorizeRoutes(context: SandboxContext) {
  const { clients, knobs, store, issuer, workspace } = context;
  // RFC 9207: iss goes on success and error responses alike.
  const issuerParam = () => (knobs.sendIssuer ? issuer : null);

  const respond = (request: AuthorizationRequest, params: Record<string, string | null>) =>
    redirectWith(request.redirectUri, { ...params, state: request.state, iss: issuerParam() });

  return new Hono()
    .get("/authorize", (c) => {
      const check = checkAuthorizationRequest(
        new URL(c.req.url).searchParams,
        clients,
        context.resources,
      );
      if (check.outcome === "unsafe") throw check.error;
      if (check.outcome === "redirect") {
        const location = redirectWith(check.redirectUri, {
          error: check.error.code,
          error_description: check.error.message,
          state: check.state,
          iss: issuerParam(),
        });
        return c.redirect(location, 302);
      }
      const request = check.request;
      const client = clients.get(request.clientId)!;
      const requestId = store.savePendingRequest(request);
      setPageHeaders(c, [new URL(request.redirectUri).origin]);
      return c.html(
        consentPage({
          clientName: client.name,
          workspaceName: workspace.name,
          scopes: request.scopes,
          requestId,
          redirectUri: request.redirectUri,
          // Beside /authorize, wherever the issuer's path puts it (e.g. /tenant1/authorize).
          decisionPath: `${new URL(issuer).pathname.replace(/\/+$/, "")}/authorize/decision`,
        }),
      );
    })
    .post("/authorize/decision", async (c) => {
      assertSameOrigin(c.req.raw);
      const decision = await readDecision(c.req.raw);
      const request = store.takePendingRequest(decision.requestId);
      if (!request) {
        throw new UnsafeAuthorizationError(
          "This authorization request has expired or was already answered.",
        );
      }
      if (!decision.allow) {
        return c.redirect(
          respond(request, {
            error: "access_denied",
            error_description: "The user denied the request",
          }),
          302,
        );
      }
      return c.redirect(respond(request, { code: store.issueCode(request) }), 302);
    });
}
