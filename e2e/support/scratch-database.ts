import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

const ADMIN_URL = process.env.X_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A PostgreSQL database of the test's own on the real server, dropped afterwards. */
export function createScratchDatabase(): { url: string; sql(query: string): string; drop(): void } {
  const name = `x_e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
  execFileSync("psql", [ADMIN_URL, "-qc", `create database ${name}`]);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    sql: (query) =>
      execFileSync("psql", [url.toString(), "-qAtc", query], { encoding: "utf8" }).trim(),
    drop: () => {
      execFileSync("psql", [ADMIN_URL, "-qc", `drop database if exists ${name} with (force)`]);
    },
  };
}
