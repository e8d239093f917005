import { randomBytes } from "node:crypto";
import { answerConsent, type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Instance, startInstance } from "./support/instances";
import { createScratchDatabase } from "./support/scratch-database";

const USER = "acme:alice";
let sandbox: Sandbox;
let database: ReturnType<typeof createScratchDatabase>;
let instances: Instance[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
  database = createScratchDatabase();
  const env = {
    DATABASE_URL: database.url,
    SANDBOX_URL: sandbox.url,
    X_VAULT_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    PROVIDER_TIMEOUT_MS: "4000",
    // No REFRESH_LEASE_MS: the kit's default, a 1 s lease renewed while its holder works.
  };
  // The first instance migrates; the others start against a ready schema, as in a rollout.
  instances = [await startInstance(env)];
  instances.push(...(await Promise.all([1, 2, 3].map(() => startInstance(env)))));
  await connect(instances[0]!);
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await sandbox?.close();
  database?.drop();
});

async function connect(instance: Instance) {
  const headers = {
    "x-test-user": USER,
    "x-connect-request": "1",
    "content-type": "application/json",
  };
  const started = await fetch(`${instance.url}/api/connections/connect/attio`, {
    method: "POST",
    headers,
    body: "{}",
  });
  const { authorizeUrl } = (await started.json()) as { authorizeUrl: string };
  const callback = await answerConsent(authorizeUrl);
  const landed = await fetch(`${instance.url}${callback.pathname}${callback.search}`, { headers });
  expect(landed.status).toBe(200);
}

async function credentialHash(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.url}/credential?tenant=acme&user=alice`);
  const body = (await response.json()) as { tokenHash?: string; error?: { code: string } };
  if (!body.tokenHash) throw new Error(`no credential: ${response.status} ${JSON.stringify(body)}`);
  return body.tokenHash;
}

/** As if the access token ran out; the revision bump's NOTIFY empties every instance's cache. */
function expireStoredToken() {
  sandbox.expireAccessTokens();
  database.sql(
    "update x_connections set expires_at = now() - interval '1 minute', revision = revision + 1",
  );
}

/** Waits (up to 2.5 s) until some instance holds the connection's refresh lease. */
async function leaseTaken() {
  for (
    let attempt = 0;
    attempt < 50 && database.sql("select coalesce(lease_owner, '') from x_connections") === "";
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it("1,000 concurrent reads of an expired token on 4 instances make exactly one refresh, and all get its token", async () => {
  expireStoredToken();
  const before = sandbox.stats.refreshGrants;
  const hashes = await Promise.all(
    Array.from({ length: 1_000 }, (_, index) =>
      credentialHash(instances[index % instances.length]!),
    ),
  );
  expect(sandbox.stats.refreshGrants - before).toBe(1);
  expect(new Set(hashes).size).toBe(1);
});

it("a live holder whose provider is slower than the lease keeps it: exactly one token request while every instance asks", async () => {
  // Three leases long (the default lease is 1 s), under the instances' 4 s provider timeout.
  sandbox.knobs.latencyMs = 3_000;
  expireStoredToken();
  const before = sandbox.stats.tokenRequests;
  const revisionBefore = Number(database.sql("select revision from x_connections"));
  const holding = credentialHash(instances[0]!);
  await leaseTaken();
  const waiting = instances.flatMap((instance) =>
    Array.from({ length: 5 }, () => credentialHash(instance)),
  );
  const hashes = await Promise.all([holding, ...waiting]);
  sandbox.knobs.latencyMs = 0;
  expect(sandbox.stats.tokenRequests - before).toBe(1);
  expect(new Set(hashes).size).toBe(1);
  expect(Number(database.sql("select revision from x_connections"))).toBe(revisionBefore + 1);
  expect(database.sql("select coalesce(lease_owner, 'free') from x_connections")).toBe("free");
});

it("kill -9 of the instance holding the refresh lease mid-refresh: another takes the lapsed lease over and serves a fresh token", async () => {
  // A provider that keeps refresh tokens valid after use; with rotation the outcome differs (see docs/architecture.md).
  sandbox.knobs.rotateRefreshToken = false;
  const [doomed, survivor] = [instances[1]!, instances[2]!];
  const stale = await credentialHash(survivor);
  sandbox.knobs.latencyMs = 2_000;
  expireStoredToken();
  const revisionBefore = Number(database.sql("select revision from x_connections"));
  const pending = credentialHash(doomed).catch(() => "killed");
  await leaseTaken();
  expect(database.sql("select lease_owner is not null from x_connections")).toBe("t");
  doomed.process.kill("SIGKILL");
  expect(await pending).toBe("killed");
  sandbox.knobs.latencyMs = 0;

  const hash = await credentialHash(survivor);
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(hash).not.toBe(stale);
  expect(Number(database.sql("select revision from x_connections"))).toBe(revisionBefore + 1);
  expect(
    database.sql("select status || ',' || coalesce(lease_owner, 'free') from x_connections"),
  ).toBe("active,free");
  expect(await credentialHash(instances[3]!)).toBe(hash);
});

it("with a rotating provider, a refresh lost with its process ends in auth_failed, never a silent failure", async () => {
  // The provider redeemed the refresh token for the dead process and revoked the old one: the
  // survivor's attempt answers invalid_grant, the row is unchanged, so the user must reconnect.
  sandbox.knobs.rotateRefreshToken = true;
  sandbox.knobs.latencyMs = 1_000;
  expireStoredToken();
  const [doomed, survivor] = [instances[2]!, instances[3]!];
  const pending = credentialHash(doomed).catch(() => "killed");
  await leaseTaken();
  doomed.process.kill("SIGKILL");
  expect(await pending).toBe("killed");
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  sandbox.knobs.latencyMs = 0;

  const response = await fetch(`${survivor.url}/credential?tenant=acme&user=alice`);
  expect(response.status).toBe(409);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
    "reauth_required",
  );
  expect(
    database.sql("select status || ',' || (auth_failed_at is not null) from x_connections"),
  ).toBe("auth_failed,true");
});
