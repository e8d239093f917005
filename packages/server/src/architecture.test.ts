import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The rules of docs/architecture.md, read from the code's own imports: a move that breaks one
// fails here, with the arrow that runs the wrong way.

const SRC = import.meta.dirname;

/** Lower rooms first: a room imports only rooms below it (or itself). */
const FLOORS: Record<string, number> = {
  telemetry: -1,
  shared: 0,
  vault: 1,
  store: 2,
  connections: 3,
  webhooks: 3,
  providers: 4,
  oauth: 5,
  credentials: 6,
  connect: 7,
  mcp: 7,
  worker: 8,
  cli: 8,
  routes: 9,
  // The composition root: create-connections.ts, config.ts, api.ts, index.ts…
  ".": 10,
};

type Import = { from: string; to: string; specifier: string };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "testing" ? [] : sourceFiles(path);
    const isSource = name.endsWith(".ts") && !name.endsWith(".test.ts");
    return isSource && !name.endsWith(".contract.ts") ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => ({
    from: relative(SRC, file),
    to: specifier.startsWith(".") ? relative(SRC, resolve(dirname(file), specifier)) : specifier,
    specifier,
  }));
}

/** A file's room is its first folder; a folder imported whole (`../vault`) is that room. */
function roomOf(path: string): string {
  if (path.includes("/")) return path.split("/")[0]!;
  const isFolder = statSync(join(SRC, path), { throwIfNoEntry: false })?.isDirectory();
  return isFolder ? path : ".";
}
const all = sourceFiles(SRC).flatMap(importsOf);
const local = all.filter((item) => item.specifier.startsWith("."));

describe("the architecture's rules (docs/architecture.md)", () => {
  it("knows every room", () => {
    const rooms = new Set(sourceFiles(SRC).map((file) => roomOf(relative(SRC, file))));
    expect([...rooms].filter((room) => !(room in FLOORS))).toEqual([]);
  });

  it("has no arrow that runs back up: a room imports only the rooms below it", () => {
    const upward = local
      .filter((item) => roomOf(item.from) !== roomOf(item.to))
      .filter((item) => FLOORS[roomOf(item.to)]! >= FLOORS[roomOf(item.from)]!)
      .map((item) => `${item.from} -> ${item.to}`);
    expect(upward).toEqual([]);
  });

  it("leaves oauth4webapi to oauth/, the protocol room", () => {
    const elsewhere = all
      .filter((item) => item.specifier === "oauth4webapi" && roomOf(item.from) !== "oauth")
      .map((item) => item.from);
    expect(elsewhere).toEqual([]);
  });

  it("leaves @opentelemetry/api to telemetry/, so a span or metric name is defined in one place", () => {
    const elsewhere = all
      .filter((item) => item.specifier.startsWith("@opentelemetry/"))
      .filter((item) => roomOf(item.from) !== "telemetry")
      .map((item) => item.from);
    expect(elsewhere).toEqual([]);
  });

  it("keeps routes/ to HTTP: nothing there reads the store or a repository", () => {
    const reaching = local
      .filter((item) => roomOf(item.from) === "routes")
      .filter((item) => roomOf(item.to) === "store" || item.to.endsWith("repository"))
      .map((item) => `${item.from} -> ${item.to}`);
    expect(reaching).toEqual([]);
  });

  it("loads the MCP SDK only from the @x/server/mcp entry's adapters", () => {
    const sdk = all
      .filter((item) => item.specifier.startsWith("@modelcontextprotocol/sdk"))
      .map((item) => item.from);
    expect([...new Set(sdk)].sort()).toEqual([
      "mcp/adapters.ts",
      "mcp/auth-provider.ts",
      "mcp/transport.ts",
    ]);
    const mainReaches = local
      .filter((item) => roomOf(item.from) !== "mcp" && item.to.startsWith("mcp/"))
      .filter((item) => ["mcp/adapters", "mcp/auth-provider", "mcp/transport"].includes(item.to));
    expect(mainReaches).toEqual([]);
  });

  it("keeps every source file under 300 lines", () => {
    const long = sourceFiles(SRC)
      .filter((file) => readFileSync(file, "utf8").split("\n").length > 301)
      .map((file) => relative(SRC, file));
    expect(long).toEqual([]);
    const root = readFileSync(join(SRC, "create-connections.ts"), "utf8").split("\n");
    expect(root.length).toBeLessThanOrEqual(151);
  });
});
