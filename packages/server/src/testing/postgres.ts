import { randomBytes } from "node:crypto";
import postgres from "postgres";

/** The real PostgreSQL the suite runs against; CI makes sure it is up. */
export const TEST_DATABASE_URL =
  process.env.X_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A database of its own for one test file, dropped afterwards. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `x_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
