import { randomBytes } from "node:crypto";
import { defaultSandboxClient, startSandbox } from "@x/sandbox";
import { type Instance, startInstance } from "../e2e/support/instances";
import { createScratchDatabase } from "../e2e/support/scratch-database";
import { connectAttio, overHttp } from "./support/host";
import { type Measure, measure, median, percentile } from "./support/measure";

const CALLERS = 1_000;
const INSTANCES = 4;
const STORMS = 3;
const PROVIDER_LATENCY_MS = 50;

/**
 * 1,000 callers spread over 4 server processes (e2e/support/instance-server.ts, sharing one
 * PostgreSQL) ask for the same credential right after it expired, with every instance's cache
 * cold: how many token requests reach the provider (the goal is one), and how long the slowest
 * callers wait against one bare call to the provider's token endpoint (the sandbox, slowed by
 * its `latencyMs` knob). Three storms; the count is the worst of them, the p99 their median.
 */
export async function refreshStorm(): Promise<Measure[]> {
  const sandbox = await startSandbox();
  const database = createScratchDatabase();
  const instances: Instance[] = [];
  try {
    const env = {
      DATABASE_URL: database.url,
      SANDBOX_URL: sandbox.url,
      X_VAULT_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    };
    // The first instance migrates; the others start against a ready schema.
    instances.push(await startInstance(env));
    instances.push(
      ...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => startInstance(env)))),
    );
    await connectAttio(overHttp(instances[0]!.url), "acme:alice");
    sandbox.knobs.latencyMs = PROVIDER_LATENCY_MS;

    const tokenRequests: number[] = [];
    const p99s: number[] = [];
    for (let storm = 0; storm < STORMS; storm++) {
      // A new revision is announced to every instance, which drops its cached copy.
      sandbox.expireAccessTokens();
      database.sql(
        "update x_connections set expires_at = now() - interval '1 minute', revision = revision + 1",
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = sandbox.stats.tokenRequests;
      const waits = await Promise.all(
        Array.from({ length: CALLERS }, (_, index) =>
          timedCredential(instances[index % INSTANCES]!),
        ),
      );
      tokenRequests.push(sandbox.stats.tokenRequests - before);
      p99s.push(percentile(waits, 99));
    }
    // The same 1,000 concurrent calls with the credential warm: the floor of the load alone.
    const warmWaits = await Promise.all(
      Array.from({ length: CALLERS }, (_, index) => timedCredential(instances[index % INSTANCES]!)),
    );
    const endpoint = await tokenEndpointLatency(sandbox.url);
    return [
      measure({
        name: "refresh.storm",
        value: Math.max(...tokenRequests),
        unit: "requests",
        baseline: `the goal: one refresh for ${CALLERS.toLocaleString("en-US")} callers on ${INSTANCES} instances (worst of ${STORMS} storms)`,
        baselineValue: 1,
      }),
      measure({
        name: "refresh.storm.p99",
        value: median(p99s),
        unit: "ms",
        baseline: `one bare POST /oauth/token to the sandbox (latencyMs ${PROVIDER_LATENCY_MS}), median of 20`,
        baselineValue: endpoint,
      }),
      measure({
        name: "refresh.storm.p99.warm",
        value: percentile(warmWaits, 99),
        unit: "ms",
        baseline: "the same bare POST /oauth/token (the storm's load with nothing to refresh)",
        baselineValue: endpoint,
      }),
    ];
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await sandbox.close();
    database.drop();
  }
}

async function timedCredential(instance: Instance): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${instance.url}/credential?tenant=acme&user=alice`);
  const body = (await response.json()) as { tokenHash?: string };
  if (!body.tokenHash) throw new Error(`no credential: ${response.status}`);
  return performance.now() - started;
}

/** The provider's own floor: a token request it answers (invalid_grant) after its latency. */
async function tokenEndpointLatency(sandboxUrl: string): Promise<number> {
  const samples: number[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const started = performance.now();
    const response = await fetch(`${sandboxUrl}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: "sbx_rt_not_a_real_one",
        client_id: defaultSandboxClient.clientId,
        client_secret: defaultSandboxClient.clientSecret,
      }),
    });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
  }
  return median(samples);
}
