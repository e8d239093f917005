import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../start";
import {
  client,
  consent,
  createPkce,
  getAuthorize,
  location,
  postDecision,
  readRequestId,
  redirectUri,
} from "../test-support";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ workspaceName: "Umbrella Labs" });
});
afterEach(() => sandbox.close());

const validParams = () => ({
  response_type: "code",
  client_id: client.clientId,
  redirect_uri: redirectUri,
  scope: "record_permission:read task:read",
  state: "state-123",
  code_challenge: createPkce().challenge,
  code_challenge_method: "S256",
});

describe("GET /authorize", () => {
  it("renders a consent page that names the app, the workspace and each scope", async () => {
    const response = await getAuthorize(sandbox, validParams());
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("Taskr wants to access your Attio workspace Umbrella Labs");
    expect(page).toContain("Read records including people, companies, and deals");
    expect(page).toContain("Read tasks");
    expect(page).not.toContain("Read notes on records");
    expect(page).toMatch(/<button[^>]*>Allow<\/button>/);
    expect(page).toMatch(/<button[^>]*>Deny<\/button>/);
    expect(page).toContain('action="/authorize/decision"');
    // The form carries only the server-side id, never the request's own parameters.
    expect(page).not.toContain("state-123");
    expect(page).not.toContain(redirectUri);
  });

  it("forbids framing the consent page", async () => {
    const response = await getAuthorize(sandbox, validParams());
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    // The decision post must carry a real Origin, which no-referrer would turn into "null".
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("escapes what it echoes", async () => {
    await sandbox.close();
    sandbox = await startSandbox({ workspaceName: "<script>alert(1)</script>" });
    const page = await (await getAuthorize(sandbox, validParams())).text();
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("&lt;script&gt;");
  });

  it("shows an error page and never redirects for a bad redirect_uri", async () => {
    const response = await getAuthorize(sandbox, {
      ...validParams(),
      redirect_uri: "https://attacker.example/steal",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).not.toContain("<form");
  });

  it("shows an error page and never redirects for an unknown client", async () => {
    const response = await getAuthorize(sandbox, { ...validParams(), client_id: "unknown" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("redirects other errors to the client with state and iss", async () => {
    const response = await getAuthorize(sandbox, {
      ...validParams(),
      code_challenge_method: "plain",
    });
    expect(response.status).toBe(302);
    const callback = location(response);
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("state")).toBe("state-123");
    expect(callback.searchParams.get("iss")).toBe(sandbox.issuer);
  });
});

describe("POST /authorize/decision", () => {
  it("Allow redirects with code, state and iss", async () => {
    const flow = await consent(sandbox, { state: "s-1" });
    expect(flow.code).toMatch(/^sbx_ac_/);
    expect(flow.callback.origin + flow.callback.pathname).toBe(redirectUri);
    expect(flow.callback.searchParams.get("state")).toBe("s-1");
    expect(flow.callback.searchParams.get("iss")).toBe(sandbox.url);
  });

  it("omits iss when sendIssuer is off", async () => {
    sandbox.knobs.sendIssuer = false;
    const flow = await consent(sandbox);
    expect(flow.callback.searchParams.has("iss")).toBe(false);
  });

  it("Deny redirects with access_denied and no code", async () => {
    const page = await getAuthorize(sandbox, validParams());
    const response = await postDecision(sandbox, readRequestId(await page.text()), "deny");
    expect(response.status).toBe(302);
    const callback = location(response);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("error_description")).toBeTruthy();
    expect(callback.searchParams.get("state")).toBe("state-123");
    expect(callback.searchParams.get("iss")).toBe(sandbox.issuer);
    expect(callback.searchParams.has("code")).toBe(false);
  });

  it("answers each pending request once", async () => {
    const page = await getAuthorize(sandbox, validParams());
    const requestId = readRequestId(await page.text());
    expect((await postDecision(sandbox, requestId, "allow")).status).toBe(302);
    const again = await postDecision(sandbox, requestId, "allow");
    expect(again.status).toBe(400);
    expect(again.headers.get("location")).toBeNull();
  });

  it("refuses an unknown request id and a decision posted by another origin", async () => {
    expect((await postDecision(sandbox, "sbx_pr_made-up", "allow")).status).toBe(400);
    const page = await getAuthorize(sandbox, validParams());
    const requestId = readRequestId(await page.text());
    const forged = await postDecision(sandbox, requestId, "allow", {
      origin: "https://attacker.example",
    });
    expect(forged.status).toBe(400);
    expect(forged.headers.get("location")).toBeNull();
  });
});
