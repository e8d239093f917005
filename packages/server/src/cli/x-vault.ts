#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { createPgliteStore } from "../store/pglite-store";
import { createPostgresStore } from "../store/postgres-store";
import type { DatabaseStore } from "../store/store";
import { envKeyProvider, parseKeyring, resolveKeyring } from "../vault";
import { rotateDataKeysCommand } from "./rotate-data-keys";
import { checkCommand, rotateCommand, statusCommand } from "./vault-commands";

const USAGE = `Usage: x-vault <command> (--database-url URL | --pglite DIR) [--data-dir DIR] [--dry-run]
       x-vault --version

  rotate             re-wrap every tenant's data key under the newest key in X_VAULT_KEYS
  rotate-data-keys   give every tenant a new data key, re-seal every value under it (xv1
                     values become xv2), then retire the old data keys; resumable
  check              verify that every sealed credential opens with the current keyring
  status             count data keys per key version, say which old keys may be removed and
                     how many values are not yet under their tenant's newest data key

Keys come from X_VAULT_KEYS ("v2:<base64>,v1:<base64>", newest first); without it, from the
development keyring in --data-dir. --database-url defaults to DATABASE_URL. PGlite data can be
opened by one process at a time: stop the server first (x-vault refuses a folder a server
holds). PostgreSQL needs no downtime; rotate-data-keys then waits about a minute, twice, for
running servers to catch up. --dry-run says what rotate and rotate-data-keys would change.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "database-url": { type: "string" },
      pglite: { type: "string" },
      "data-dir": { type: "string" },
      "dry-run": { type: "boolean" },
      version: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const commands = {
    rotate: rotateCommand,
    "rotate-data-keys": rotateDataKeysCommand,
    check: checkCommand,
    status: statusCommand,
  };
  if (values.version) {
    console.log(packageVersion());
    return 0;
  }
  const command = commands[(positionals[0] ?? "") as keyof typeof commands];
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
  if (!databaseUrl && !values.pglite) {
    console.error(
      "x-vault: name the database with --database-url (or DATABASE_URL) or --pglite DIR",
    );
    return 2;
  }
  if (!process.env.X_VAULT_KEYS && !values["data-dir"]) {
    // The demo's layout: the development keyring sits in the data folder, beside connections/.
    const hint = values.pglite ? ` (for the demo: --data-dir ${dirname(values.pglite)})` : "";
    console.error(
      `x-vault: X_VAULT_KEYS is empty: set it to the servers' keyring, or pass --data-dir DIR to use the development keyring in DIR/vault-keys${hint}`,
    );
    return 2;
  }
  const keyring = process.env.X_VAULT_KEYS
    ? parseKeyring(process.env.X_VAULT_KEYS)
    : resolveKeyring({ dir: values["data-dir"]! });
  const store: DatabaseStore = databaseUrl
    ? createPostgresStore({ url: databaseUrl, max: 2 })
    : createPgliteStore({ dir: values.pglite! });
  try {
    return await command({
      store,
      keys: envKeyProvider(keyring),
      out: (line) => console.log(line),
      dryRun: values["dry-run"] ?? false,
    });
  } finally {
    await store.close();
  }
}

/** The installed @x/server's version: its package.json, found by walking up from here. */
function packageVersion(): string {
  let dir = import.meta.dirname;
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (manifest.name === "@x/server") return `x-vault ${manifest.version}`;
    } catch {
      // Not here: one folder up.
    }
    dir = dirname(dir);
  }
  return "x-vault (version unknown)";
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`x-vault: ${(error as Error).message}`);
    process.exit(1);
  },
);
