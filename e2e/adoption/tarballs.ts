import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, join, relative } from "node:path";
import { check, expect } from "./checks";

export const REPOSITORY = join(import.meta.dirname, "..", "..");
export const PACKAGES = ["client", "react", "sandbox", "server"] as const;
export type PackageDirectory = (typeof PACKAGES)[number];

export type Tarball = { directory: PackageDirectory; file: string; unpacked: string };

/** The MCP SDK and what it imports: bundled into @x/server until @x/server/mcp (known-failures). */
const MCP_SDK_FAMILY = [
  "@modelcontextprotocol/sdk",
  "content-type",
  "pkce-challenge",
  "eventsource-parser",
];

/** Builds the packages and packs each, exactly as `npm publish` would ship them. */
export function buildAndPack(into: string): Tarball[] {
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, { cwd: REPOSITORY, stdio: ["ignore", "ignore", "inherit"] });
  run("pnpm", ["exec", "turbo", "run", "build", ...PACKAGES.map((name) => `--filter=@x/${name}`)]);
  mkdirSync(into, { recursive: true });
  for (const directory of PACKAGES) {
    run("pnpm", ["--dir", `packages/${directory}`, "pack", "--pack-destination", into]);
  }
  return PACKAGES.map((directory) => {
    const file = readdirSync(into).find((name) => name.startsWith(`x-${directory}-`));
    if (!file) throw new Error(`pnpm pack left no tarball for @x/${directory}`);
    const unpacked = join(into, directory);
    mkdirSync(unpacked, { recursive: true });
    execFileSync("tar", ["-xzf", join(into, file), "-C", unpacked]);
    return { directory, file: join(into, file), unpacked: join(unpacked, "package") };
  });
}

const filesOf = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

type Manifest = {
  description?: string;
  keywords?: string[];
  homepage?: string;
  repository?: { directory?: string };
  engines?: { node?: string };
  license?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bin?: Record<string, string>;
  main?: string;
  module?: string;
  types?: string;
  typings?: string;
  exports?: unknown;
};

const manifestOf = (tarball: Tarball): Manifest =>
  JSON.parse(readFileSync(join(tarball.unpacked, "package.json"), "utf8"));

/** What a stranger reads on npm and what their tools need, package by package. */
export async function checkTarballs(tarballs: Tarball[]) {
  await check(
    "package-metadata",
    "each package says what it is, where it lives, what it needs",
    () => {
      for (const tarball of tarballs) {
        const manifest = manifestOf(tarball);
        const where = `@x/${tarball.directory}`;
        expect(manifest.description, `${where}: no description`);
        expect(manifest.keywords?.length, `${where}: no keywords`);
        expect(manifest.homepage?.startsWith("https://"), `${where}: no homepage`);
        expect(
          manifest.repository?.directory === `packages/${tarball.directory}`,
          `${where}: repository has no directory packages/${tarball.directory}`,
        );
        expect(manifest.engines?.node === ">=20.19", `${where}: engines.node is not >=20.19`);
        expect(manifest.license === "MIT", `${where}: license is not MIT`);
        expect(
          existsSync(join(tarball.unpacked, "LICENSE")),
          `${where}: no LICENSE in the tarball`,
        );
      }
    },
  );

  await check("peer-ranges", "hono and React are the app's, by range", () => {
    const [client, react, sandbox, server] = tarballs.map(manifestOf);
    expect(!client?.dependencies?.react, "@x/client must not need React");
    for (const [name, manifest] of [
      ["@x/server", server],
      ["@x/sandbox", sandbox],
    ] as const) {
      expect(!manifest?.dependencies?.hono, `${name} depends on hono instead of a peer range`);
      expect(/^\^4\./.test(manifest?.peerDependencies?.hono ?? ""), `${name}: no hono peer ^4`);
    }
    expect(
      sandbox?.peerDependencies?.["@hono/node-server"] &&
        !sandbox.dependencies?.["@hono/node-server"],
      "@x/sandbox: @hono/node-server is not a peer",
    );
    expect(sandbox?.bin?.["x-sandbox"], "@x/sandbox has no x-sandbox bin");
    for (const peer of ["react", "react-dom"]) {
      expect(
        react?.peerDependencies?.[peer] === "^18 || ^19",
        `@x/react: ${peer} peer is not ^18 || ^19`,
      );
    }
  });

  await check(
    "packed-manifest",
    "the packed package.json names only files in the tarball, and exports what the workspace does less `source`",
    () => {
      const problems = tarballs.flatMap(packedManifestProblems);
      expect(problems.length === 0, problems.join("\n"));
    },
  );

  await check("no-empty-declarations", "no declaration file in a tarball is empty", () => {
    const empty = tarballs.flatMap((tarball) =>
      filesOf(tarball.unpacked)
        .filter(
          (file) =>
            file.endsWith(".d.ts") &&
            isEmptyDeclaration(readFileSync(join(tarball.unpacked, file), "utf8")),
        )
        .map((file) => `@x/${tarball.directory}/${file}`),
    );
    expect(empty.length === 0, `empty declarations (a bin entry's?): ${empty.join(", ")}`);
  });

  await check(
    "readmes",
    "READMEs: absolute links only, ESM only said, the whole install line",
    () => {
      for (const tarball of tarballs) {
        const readme = readFileSync(join(tarball.unpacked, "README.md"), "utf8");
        const where = `@x/${tarball.directory}/README.md`;
        const relativeLinks = [...readme.matchAll(/\]\(([^)]+)\)/g)]
          .map((match) => match[1]!)
          .filter((target) => !/^(https?:|#|mailto:)/.test(target));
        expect(
          relativeLinks.length === 0,
          `${where}: relative links, dead on npm: ${relativeLinks.join(", ")}`,
        );
        expect(/ESM only/.test(readme), `${where}: does not say the package is ESM only`);
      }
      const server = readFileSync(join(tarballs[3]!.unpacked, "README.md"), "utf8");
      expect(
        server.includes("npm i @x/server hono @hono/node-server"),
        "@x/server/README.md: the install line is not `npm i @x/server hono @hono/node-server`",
      );
    },
  );

  await check(
    "migrations-shipped",
    "the server ships its SQL and journal, not Drizzle's snapshots",
    () => {
      const server = tarballs.find((tarball) => tarball.directory === "server")!;
      const files = filesOf(server.unpacked);
      const snapshots = files.filter((file) => file.endsWith("_snapshot.json"));
      expect(snapshots.length === 0, `snapshots shipped: ${snapshots.join(", ")}`);
      const journal = JSON.parse(
        readFileSync(join(server.unpacked, "drizzle/meta/_journal.json"), "utf8"),
      ) as { entries: { tag: string }[] };
      for (const { tag } of journal.entries) {
        expect(files.includes(`drizzle/${tag}.sql`), `drizzle/${tag}.sql is missing`);
      }
    },
  );

  await check(
    "use-client",
    '@x/react\'s bundle starts with "use client" (React Server Components)',
    () => {
      const react = tarballs.find((tarball) => tarball.directory === "react")!;
      const code = readFileSync(join(react.unpacked, "dist/index.js"), "utf8");
      expect(code.startsWith('"use client";'), `dist/index.js starts with ${code.slice(0, 40)}`);
    },
  );

  await check("source-maps", "every bundle has a valid source map with its sources inside", () => {
    for (const tarball of tarballs) checkSourceMaps(tarball);
  });

  await check("no-build-paths", "no file names the machine it was built on", () => {
    const machinePaths = [REPOSITORY, `${dirname(REPOSITORY)}/`];
    for (const tarball of tarballs) {
      for (const file of filesOf(tarball.unpacked)) {
        const text = readFileSync(join(tarball.unpacked, file), "utf8");
        const found = machinePaths.find((path) => text.includes(path));
        expect(!found, `@x/${tarball.directory}/${file} contains ${found}`);
      }
    }
  });

  const bundled = new Map(tarballs.map((tarball) => [tarball.directory, bundledPackages(tarball)]));
  await check(
    "no-bundled-deps",
    "dependencies stay imports: nothing from node_modules in dist",
    () => {
      for (const [directory, names] of bundled) {
        const unexpected = names.filter(
          (name) => directory !== "server" || !MCP_SDK_FAMILY.includes(name),
        );
        expect(unexpected.length === 0, `@x/${directory} bundles ${unexpected.join(", ")}`);
      }
    },
  );
  await check("mcp-sdk-bundled", "@x/server bundles nothing at all", () => {
    const names = bundled.get("server") ?? [];
    expect(names.length === 0, names.map((name) => `@x/server bundles ${name}`).join("\n"));
  });
}

/**
 * What the app's tools resolve (exports, bin, main, types) must be in the tarball: a path
 * missing there fails in the stranger's app only (the workspace has every file). The packed
 * exports are the workspace's without the `source` condition, which names TypeScript sources
 * that are not shipped (pnpm pack applies publishConfig.exports), so the two cannot drift.
 * Returns every problem found, one a line.
 */
function packedManifestProblems(tarball: Tarball): string[] {
  const where = `@x/${tarball.directory}`;
  const manifest = manifestOf(tarball);
  const shipped = new Set(filesOf(tarball.unpacked));
  const inTarball = (path: string) => shipped.has(path.replace(/^\.\//, ""));
  const problems: string[] = [];
  const named = [
    ...pathsIn(manifest.exports),
    ...pathsIn(manifest.bin),
    ...[manifest.main, manifest.module, manifest.types, manifest.typings].filter(
      (path) => path !== undefined,
    ),
  ];
  if (named.length === 0) problems.push(`${where}: the packed package.json names no entry point`);
  for (const path of named) {
    if (!inTarball(path)) {
      problems.push(`${where}: package.json names ${path}, which is not in the tarball`);
    }
  }
  // A bin is a stub that imports the built command: what it imports must be shipped too.
  for (const bin of pathsIn(manifest.bin).filter(inTarball)) {
    const text = readFileSync(join(tarball.unpacked, bin), "utf8");
    for (const [, target] of text.matchAll(/^import ["'](\.{1,2}\/[^"']+)["']/gm)) {
      const file = relative(tarball.unpacked, join(tarball.unpacked, dirname(bin), target!));
      if (!inTarball(file)) {
        problems.push(`${where}: ${bin} imports ${target}, which is not in the tarball`);
      }
    }
  }
  const workspace = JSON.parse(
    readFileSync(join(REPOSITORY, "packages", tarball.directory, "package.json"), "utf8"),
  ) as Manifest;
  const expected = JSON.stringify(withoutSource(workspace.exports));
  if (JSON.stringify(manifest.exports) !== expected) {
    problems.push(
      `${where}: packed exports ${JSON.stringify(manifest.exports)}, expected ${expected} (publishConfig.exports out of step with exports?)`,
    );
  }
  return problems;
}

/** Every file path in an exports map or a bin field, whatever the nesting of conditions. */
function pathsIn(field: unknown): string[] {
  if (typeof field === "string") return [field];
  if (field === null || typeof field !== "object") return [];
  return Object.values(field).flatMap(pathsIn);
}

function withoutSource(field: unknown): unknown {
  if (field === null || typeof field !== "object") return field;
  return Object.fromEntries(
    Object.entries(field)
      .filter(([condition]) => condition !== "source")
      .map(([key, value]) => [key, withoutSource(value)]),
  );
}

/** A declaration file with nothing in it: what tsdown writes for an entry that exports nothing. */
function isEmptyDeclaration(text: string): boolean {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/export\s*\{\s*\}\s*;?/g, "");
  return code.trim() === "";
}

/** Each .js names its map, each map parses, holds every source's text and maps back into it. */
function checkSourceMaps(tarball: Tarball) {
  const dist = join(tarball.unpacked, "dist");
  for (const file of readdirSync(dist).filter((name) => name.endsWith(".js"))) {
    const where = `@x/${tarball.directory}/dist/${file}`;
    const code = readFileSync(join(dist, file), "utf8");
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
    expect(url && existsSync(join(dist, url)), `${where}: no source map beside it`);
    const payload = JSON.parse(readFileSync(join(dist, url), "utf8"));
    expect(payload.version === 3, `${where}.map: not a version 3 source map`);
    expect(
      payload.sources.length > 0 &&
        payload.sourcesContent?.length === payload.sources.length &&
        payload.sourcesContent.every((text: unknown) => typeof text === "string"),
      `${where}.map: sourcesContent does not hold every source`,
    );
    // A declaration's name must be on the line its mapping points to: an offset (a banner
    // the map did not count) would point elsewhere. Bundler helpers have no source: skipped.
    const map = new SourceMap(payload);
    const followed = code
      .split("\n")
      .map((text, line) => ({
        line,
        name: /^(?:const|let|var|function|class) ([\w$]+)/.exec(text)?.[1],
      }))
      .filter((declaration) => declaration.name)
      .map(({ line, name }) => {
        const entry = map.findEntry(line, 0) as {
          generatedLine?: number;
          originalSource?: string;
          originalLine?: number;
        };
        const source = payload.sourcesContent[payload.sources.indexOf(entry.originalSource)];
        return { line, name: name!, entry, original: source?.split("\n")[entry.originalLine!] };
      })
      // findEntry falls back to the nearest mapping before: only one on this line counts.
      .find(({ line, entry }) => entry.generatedLine === line && entry.originalSource);
    expect(followed, `${where}: no declaration maps to a source`);
    expect(
      followed.original?.includes(followed.name),
      `${where}: ${followed.name} (line ${followed.line + 1}) maps to "${followed.original}" in ${followed.entry.originalSource}`,
    );
  }
}

/** Package names of the modules a bundle holds that came from node_modules, by its maps. */
function bundledPackages(tarball: Tarball): string[] {
  const dist = join(tarball.unpacked, "dist");
  const names = new Set<string>();
  for (const file of readdirSync(dist).filter((name) => name.endsWith(".js.map"))) {
    const { sources } = JSON.parse(readFileSync(join(dist, file), "utf8")) as { sources: string[] };
    for (const source of sources) {
      const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}
