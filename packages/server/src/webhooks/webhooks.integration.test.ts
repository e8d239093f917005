import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughSandbox, createHost } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "./signature";

// No table emptied between tests: they follow one connection from connect to disconnect.
const { client, store } = pgliteForFile([]);
const SECRET = "whsec_test_0123456789abcdef";
type Received = { body: string; signature: string | undefined };
const received: Received[] = [];
let failuresLeft = 0;
let receiver: Server;
let sandbox: Sandbox;
let host: ReturnType<typeof createHost>;

const readBody = async (request: IncomingMessage) => {
  let body = "";
  for await (const chunk of request) body += chunk;
  return body;
};

beforeAll(async () => {
  receiver = createServer(async (request, response) => {
    const body = await readBody(request);
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      response.writeHead(503).end();
      return;
    }
    received.push({ body, signature: request.headers[SIGNATURE_HEADER] as string | undefined });
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  sandbox = await startSandbox();
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  host = createHost({
    store,
    sandboxUrl: sandbox.url,
    settings: { webhooks: [{ url, secret: SECRET }] },
  });
  await host.connections.ready();
});

afterAll(async () => {
  await host.connections.close();
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const waitFor = async (check: () => boolean) => {
  for (let attempt = 0; attempt < 100 && !check(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

it("delivers each event signed with HMAC-SHA256 and a timestamp, without any token", async () => {
  await connectThroughSandbox(host.app, "acme:alice");
  await waitFor(() => received.length > 0);
  const [delivery] = received;
  expect(JSON.parse(delivery!.body)).toMatchObject({
    type: "connection.created",
    connection: { provider: "attio" },
  });
  expect(verifyWebhookSignature(SECRET, delivery!.body, delivery!.signature)).toBe(true);
  expect(
    verifyWebhookSignature("another-secret-entirely", delivery!.body, delivery!.signature),
  ).toBe(false);
  expect(verifyWebhookSignature(SECRET, `${delivery!.body} `, delivery!.signature)).toBe(false);
  expect(delivery!.body).not.toMatch(/sbx_(at|rt|ac)_/);
});

it("rejects a signature older than the tolerance (replay)", () => {
  const [delivery] = received;
  const later = Math.floor(Date.now() / 1000) + 3600;
  expect(verifyWebhookSignature(SECRET, delivery!.body, delivery!.signature, { now: later })).toBe(
    false,
  );
});

it("retries a failed delivery with backoff from the worker and logs every attempt", async () => {
  received.length = 0;
  failuresLeft = 1;
  const [connection] = await host.connections.listConnections({ tenantId: "acme" });
  await host.connections.disconnect(connection!.id);
  // Disconnecting emits connection.revoked (the sandbox confirmed) and connection.deleted; the
  // receiver refuses whichever delivery reaches it first, once.
  const attempted = async () => {
    const rows = await host.connections.webhookDeliveries(2);
    return rows.length === 2 && rows.every((row) => row.attempts > 0) ? rows : undefined;
  };
  let rows = await attempted();
  for (let attempt = 0; attempt < 100 && !rows; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    rows = await attempted();
  }
  const failed = rows!.find((row) => row.status === "pending");
  expect(failed).toMatchObject({ attempts: 1, lastStatus: 503, lastError: "HTTP 503" });
  expect(rows!.map((row) => row.eventType).sort()).toEqual([
    "connection.deleted",
    "connection.revoked",
  ]);
  await client.query("update x_webhook_deliveries set next_attempt_at = now() where id = $1", [
    failed!.id,
  ]);
  const report = await host.connections.worker.tick();
  expect(report.webhooks).toBe(1);
  const retried = (await host.connections.webhookDeliveries(2)).find(
    (row) => row.id === failed!.id,
  );
  expect(retried).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 204 });
  expect(received.map((delivery) => JSON.parse(delivery.body).type).sort()).toEqual([
    "connection.deleted",
    "connection.revoked",
  ]);
});
