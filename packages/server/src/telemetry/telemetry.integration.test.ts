import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  type McpSandbox,
  type Sandbox,
  startMcpSandbox,
  startRecorder,
  startSandbox,
} from "@x/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mcp } from "../mcp/provider";
import type { Logger } from "../shared/logger";
import {
  asUser,
  connectThroughSandbox,
  createHost,
  json,
  MOUNT,
  makeConnectionsDue,
  sandboxAttio,
} from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";

// The real OpenTelemetry SDK, registered globally as a host would, with in-memory exporters:
// what an operator's collector would receive. Every test also looks for the secrets the
// sandbox issued (their prefixes) in everything exported and logged.

const { client, store, closers } = pgliteForFile([
  "x_connections",
  "x_oauth_flows",
  "x_webhook_deliveries",
  "x_mcp_client_registrations",
]);

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const logged: unknown[] = [];
const logger: Logger = {
  error: (fields, message) => logged.push({ level: "error", fields, message }),
  warn: (fields, message) => logged.push({ level: "warn", fields, message }),
  info: (fields, message) => logged.push({ level: "info", fields, message }),
  debug: (fields, message) => logged.push({ level: "debug", fields, message }),
};
let sandbox: Sandbox;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox.close();
  trace.disable();
  metrics.disable();
  context.disable();
});

beforeEach(() => {
  spans.reset();
  logged.length = 0;
});

async function exportedMetrics() {
  metricExporter.reset();
  await reader.forceFlush();
  return metricExporter
    .getMetrics()
    .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
}

const named = (name: string) => spans.getFinishedSpans().filter((span) => span.name === name);
const attributesOf = (list: ReadableSpan[]) => list.map((span) => span.attributes);

/** Everything a collector would get, as text: spans (names, attributes, events, status), metrics, logs. */
async function everythingExported(): Promise<string> {
  const exportedSpans = spans.getFinishedSpans().map((span) => ({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    status: span.status,
    links: span.links,
    resource: span.resource.attributes,
  }));
  const exported = await exportedMetrics();
  return JSON.stringify({ exportedSpans, exported, logged }, (_key, value) =>
    value instanceof Error
      ? { name: value.name, message: value.message, stack: value.stack }
      : value,
  );
}

const SECRET_PATTERN = /sbx_(at|rt|ac|pr|cs)_|taskr-sandbox-secret/;

describe("OpenTelemetry, through the host's SDK", () => {
  it("records a connect, an API call, a refresh and a webhook as the documented spans and metrics, with no secret in any of them", async () => {
    const recorder = await startRecorder();
    closers.push(() => recorder.close());
    const made = createHost({
      store,
      sandboxUrl: sandbox.url,
      settings: {
        logger,
        webhooks: [{ url: `${recorder.origin}/hooks`, secret: "whsec-test-0123456789" }],
      },
    });
    closers.push(() => made.connections.close());
    const alice = { provider: "attio", tenantId: "acme", userId: "alice" };

    await connectThroughSandbox(made.app, "acme:alice");
    const answer = await made.connections.fetch(alice, `${sandbox.url}/v2/tasks?limit=10`);
    expect(answer.status).toBe(200);
    await makeConnectionsDue(client);
    await made.connections.worker.tick();
    await made.connections.worker.tick();

    expect(attributesOf(named("connections.connect.start"))).toEqual([
      { "connections.provider": "attio" },
    ]);
    expect(named("connections.connect.finish")).toHaveLength(1);
    expect(named("connections.oauth.exchange_code")).toHaveLength(1);
    const [refresh] = named("connections.credential.refresh");
    expect(refresh?.attributes).toMatchObject({ "connections.provider": "attio" });
    const client_ = spans.getFinishedSpans().filter((span) => span.kind === 2);
    const operations = client_.map((span) => span.attributes["connections.operation"]);
    expect(operations).toEqual(expect.arrayContaining(["token", "api", "webhook"]));
    const api = client_.find((span) => span.attributes["connections.operation"] === "api");
    expect(api?.name).toBe("GET");
    expect(api?.attributes).toMatchObject({
      "http.request.method": "GET",
      "server.address": "127.0.0.1",
      "http.response.status_code": 200,
      "connections.provider": "attio",
    });
    // The code exchange's token request is a child of the exchange's span.
    const exchange = named("connections.oauth.exchange_code")[0]!;
    const tokenRequest = client_.find(
      (span) => span.parentSpanContext?.spanId === exchange.spanContext().spanId,
    );
    expect(tokenRequest?.attributes["connections.operation"]).toBe("token");

    const exported = await exportedMetrics();
    const names = exported.map((metric) => metric.descriptor.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "http.client.request.duration",
        "connections.refresh.duration",
        "connections.refresh.outcomes",
        "connections.webhook.deliveries",
        "connections.worker.claimed",
        "connections.worker.tick.duration",
      ]),
    );
    const claimed = exported.find(
      (metric) => metric.descriptor.name === "connections.worker.claimed",
    );
    expect(claimed?.dataPoints).toContainEqual(
      expect.objectContaining({ attributes: { "connections.worker.kind": "refresh" }, value: 1 }),
    );
    const outcomes = exported.find(
      (metric) => metric.descriptor.name === "connections.refresh.outcomes",
    );
    expect(outcomes?.dataPoints.map((point) => point.attributes)).toContainEqual({
      "connections.provider": "attio",
      "connections.refresh.outcome": "refreshed",
    });

    expect(await everythingExported()).not.toMatch(SECRET_PATTERN);
    expect(await everythingExported()).not.toContain("whsec-test-0123456789");
  });

  it("marks a refresh the provider refuses as a reconnect, by its code only", async () => {
    const made = createHost({ store, sandboxUrl: sandbox.url, settings: { logger } });
    closers.push(() => made.connections.close());
    await connectThroughSandbox(made.app, "acme:alice");
    await client.query("update x_connections set expires_at = now() - interval '1 minute'");
    // The provider's words try to carry a secret into the telemetry.
    const body = { error: "invalid_grant", error_description: "sbx_rt_in_the_description" };
    sandbox.knobs.failNextToken = { status: 400, body };
    await expect(
      made.connections.getCredential({ provider: "attio", tenantId: "acme", userId: "alice" }),
    ).rejects.toMatchObject({ code: "reauth_required" });
    const [refresh] = named("connections.credential.refresh");
    expect(refresh?.attributes).toMatchObject({ "connections.refresh.outcome": "reconnect" });
    expect(refresh?.status).toEqual({ code: 2, message: "reauth_required" });
    expect(refresh?.events).toEqual([]);
    expect(await everythingExported()).not.toMatch(SECRET_PATTERN);
  });

  it("records an MCP server's discovery and registration, naming its host only", async () => {
    const server: McpSandbox = await startMcpSandbox({
      mcpKnobs: { clientIdMetadataDocuments: false },
    });
    closers.push(() => server.close());
    const made = createHost({
      store,
      sandboxUrl: sandbox.url,
      providers: [
        sandboxAttio(sandbox.url),
        mcp({ name: "tools", url: server.url, allowPrivateNetwork: true }),
      ],
      settings: { logger },
    });
    closers.push(() => made.connections.close());
    const started = await made.app.request(
      `${MOUNT}/connect/tools`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect(started.status, JSON.stringify(await json(started.clone()))).toBe(200);
    expect(named("connections.mcp.discovery")[0]?.attributes).toEqual({
      "server.address": "127.0.0.1",
    });
    expect(named("connections.mcp.registration")).toHaveLength(1);
    const operations = spans
      .getFinishedSpans()
      .map((span) => span.attributes["connections.operation"])
      .filter(Boolean);
    expect(operations).toEqual(expect.arrayContaining(["mcp", "metadata", "registration"]));
    expect(await everythingExported()).not.toMatch(SECRET_PATTERN);
  });

  it("keeps a key in an MCP server's URL out of the error and the telemetry", async () => {
    const server: McpSandbox = await startMcpSandbox();
    closers.push(() => server.close());
    const made = createHost({
      store,
      sandboxUrl: sandbox.url,
      // Some MCP servers take a key in their URL. This one's resource metadata names the URL
      // without it, so discovery fails: the failure must not repeat the key either.
      providers: [
        mcp({
          name: "tools",
          url: `${server.url}?key=sbx_pr_in_the_url`,
          allowPrivateNetwork: true,
        }),
      ],
      settings: { logger },
    });
    closers.push(() => made.connections.close());
    const started = await made.app.request(
      `${MOUNT}/connect/tools`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    const { error } = await json(started);
    expect(error.code).toBe("mcp_discovery_failed");
    expect(error.message).not.toMatch(SECRET_PATTERN);
    expect(named("connections.mcp.discovery")[0]?.status.message).toBe("mcp_discovery_failed");
    expect(await everythingExported()).not.toMatch(SECRET_PATTERN);
  });
});
