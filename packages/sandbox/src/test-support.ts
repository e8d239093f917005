import { createHash, randomBytes } from "node:crypto";
import { defaultSandboxClient } from "./clients";
import type { Sandbox } from "./start";

/** Helpers for this package's tests: they drive the sandbox the way a browser and a client do. */

export const redirectUri = "http://localhost:3050/integrations/attio/callback";
export const client = defaultSandboxClient;

export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

export function authorizeUrl(sandbox: Sandbox, params: Record<string, string>): string {
  const url = new URL("/authorize", sandbox.url);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export function getAuthorize(sandbox: Sandbox, params: Record<string, string>): Promise<Response> {
  return fetch(authorizeUrl(sandbox, params), { redirect: "manual" });
}

export function readRequestId(page: string): string {
  const match = /name="request_id" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error("the consent page has no request_id");
  return match[1];
}

/** Posts the consent form as the browser would when a button is clicked. */
export function postDecision(
  sandbox: Sandbox,
  requestId: string,
  decision: "allow" | "deny",
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(new URL("/authorize/decision", sandbox.url), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ request_id: requestId, decision }),
  });
}

export function location(response: Response): URL {
  const header = response.headers.get("location");
  if (!header) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(header);
}

export type Consent = { code: string; verifier: string; state: string; callback: URL };

/** GET /authorize, then press Allow; returns the code the callback received. */
export async function consent(
  sandbox: Sandbox,
  params: Record<string, string> = {},
): Promise<Consent> {
  const { verifier, challenge } = createPkce();
  const state = randomBytes(8).toString("hex");
  const page = await getAuthorize(sandbox, {
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: "task:read user_management:read",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...params,
  });
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const callback = location(await postDecision(sandbox, readRequestId(await page.text()), "allow"));
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code in ${callback.href}`);
  return { code, verifier, state, callback };
}

export function postToken(
  sandbox: Sandbox,
  params: Record<string, string>,
  options: { basic?: boolean } = {},
): Promise<Response> {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (options.basic) {
    const credentials = `${client.clientId}:${client.clientSecret}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  } else {
    body.set("client_id", client.clientId);
    body.set("client_secret", client.clientSecret);
  }
  return fetch(new URL("/oauth/token", sandbox.url), { method: "POST", headers, body });
}

export function exchangeCode(sandbox: Sandbox, flow: Consent): Promise<Response> {
  return postToken(sandbox, {
    grant_type: "authorization_code",
    code: flow.code,
    redirect_uri: redirectUri,
    code_verifier: flow.verifier,
  });
}

export type TokenBody = {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope: string;
};

/** The whole connect flow; fails the test if any step does. */
export async function connect(
  sandbox: Sandbox,
  params: Record<string, string> = {},
): Promise<TokenBody> {
  const response = await exchangeCode(sandbox, await consent(sandbox, params));
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  return (await response.json()) as TokenBody;
}

export function refresh(sandbox: Sandbox, refreshToken: string): Promise<Response> {
  return postToken(sandbox, { grant_type: "refresh_token", refresh_token: refreshToken });
}

export function getApi(sandbox: Sandbox, path: string, accessToken: string): Promise<Response> {
  return fetch(new URL(path, sandbox.url), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}
