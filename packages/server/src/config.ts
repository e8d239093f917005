import { join } from "node:path";
import { z } from "zod";
import { type KitUrls, kitUrls } from "./oauth/redirect-uris";
import { ConnectionsError } from "./shared/errors";
import { consoleLogger, type Logger } from "./shared/logger";
import type { ConnectionsOptions } from "./types";
import {
  DEV_KEYRING_FILE,
  envKeyProvider,
  type KeyProvider,
  parseKeyring,
  resolveKeyring,
} from "./vault";

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  mount: z.string().regex(/^\/[\w\-/]*[^/]$/, "must start with / and not end with /"),
  appOrigin: z.url().optional(),
  providerTimeoutMs: z.number().int().positive(),
  refreshSkewMs: z.number().int().nonnegative(),
  // Renewed four times per lease while a refresh runs: below this a renewal is a round trip.
  refreshLeaseMs: z.number().int().min(100),
  checkIntervalMs: z.number().int().positive(),
  cacheSize: z.number().int().positive(),
  mcp: z.object({
    allowPrivateNetwork: z.boolean(),
    allowedOrigins: z.array(z.url({ protocol: /^https?$/ })),
    maxServersPerUser: z.number().int().positive(),
  }),
  webhooks: z.array(
    z.object({
      url: z.url({ protocol: /^https?$/ }),
      secret: z.string().min(16, "must be at least 16 characters"),
    }),
  ),
});

/** The options, checked once at start, with every default filled in. */
export type Settings = z.infer<typeof optionsSchema> & {
  /** The kit's URLs: its callbacks and Client ID Metadata Documents. */
  urls: KitUrls;
  appOrigin: string;
  dataDir: string;
  clientName: string;
  logger: Logger;
  /** Origins of `mcp.allowedOrigins`, for the SSRF guard. */
  allowedOrigins: ReadonlySet<string>;
};

/** A bad option stops the start with a message naming it and what is wrong. */
export function readSettings(options: ConnectionsOptions): Settings {
  const parsed = optionsSchema.safeParse({
    baseUrl: options.baseUrl,
    mount: options.mount ?? "/api/connections",
    appOrigin: options.appOrigin,
    providerTimeoutMs: options.providerTimeoutMs ?? 10_000,
    refreshSkewMs: options.refreshSkewMs ?? 5 * 60_000,
    refreshLeaseMs: options.refreshLeaseMs ?? 1_000,
    checkIntervalMs: options.checkIntervalMs ?? 6 * 60 * 60_000,
    cacheSize: options.cacheSize ?? 10_000,
    webhooks: options.webhooks ?? [],
    mcp: {
      allowPrivateNetwork: options.mcp?.allowPrivateNetwork ?? false,
      allowedOrigins: options.mcp?.allowedOrigins ?? [],
      maxServersPerUser: options.mcp?.maxServersPerUser ?? 20,
    },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConnectionsError(
      "invalid_options",
      `createConnections: ${issue?.path.join(".") ?? "options"} ${issue?.message ?? "is invalid"}`,
    );
  }
  const settings = parsed.data;
  return {
    ...settings,
    urls: kitUrls(new URL(settings.mount, settings.baseUrl).toString()),
    appOrigin: new URL(settings.appOrigin ?? settings.baseUrl).origin,
    dataDir: options.dataDir ?? ".data",
    clientName: options.clientName ?? new URL(settings.baseUrl).host,
    logger: options.logger ?? consoleLogger,
    allowedOrigins: new Set(settings.mcp.allowedOrigins.map((url) => new URL(url).origin)),
  };
}

/** The keys, and where they came from: what a failed keyring check tells the operator to restore. */
export function keyProviderFrom(
  keys: string | KeyProvider | undefined,
  dataDir: string,
  logger: Logger,
): { keys: KeyProvider; source: string } {
  if (typeof keys === "object") return { keys, source: "the KeyProvider given as vault.keys" };
  if (typeof keys === "string") {
    return { keys: envKeyProvider(parseKeyring(keys, "vault.keys")), source: "vault.keys" };
  }
  const source =
    process.env.X_VAULT_KEYS !== undefined
      ? "X_VAULT_KEYS"
      : `the development keyring ${join(dataDir, DEV_KEYRING_FILE)}`;
  const warn = (message: string) => logger.warn({ dataDir }, message);
  const keyring = resolveKeyring({ env: process.env, dir: dataDir, warn });
  return { keys: envKeyProvider(keyring), source };
}
