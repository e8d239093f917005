import { gzipSync } from "node:zlib";
import { build, defaultClientConditions, type Rolldown } from "vite";

/**
 * The size budget of what a React app ships for connections: @x/react with @x/client inside,
 * minified, gzipped at level 9. React and TanStack Query are the host's, so they stay external.
 * `pnpm size` checks it (above the budget it exits 1 and CI fails); `pnpm bench` reports it.
 */
export const BUDGET_BYTES = 4096;

const entry = new URL("../packages/react/src/index.ts", import.meta.url).pathname;
const external = ["react", "react-dom", "react/jsx-runtime", "@tanstack/react-query"];

export type BundleSize = { minified: number; gzipped: number };

export const measureKit = (): Promise<BundleSize> => measureBundle(entry);

/** Any ES module entry, built exactly as the kit is: the same settings make the sizes comparable. */
export async function measureBundle(input: string): Promise<BundleSize> {
  // Vite's production build sets NODE_ENV for the whole process; processes `pnpm bench` starts
  // afterwards (the demo) would inherit it and refuse their development keyring.
  const nodeEnv = process.env.NODE_ENV;
  try {
    return await bundle(input);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

async function bundle(input: string): Promise<BundleSize> {
  const result = await build({
    configFile: false,
    logLevel: "silent",
    // Workspace packages are read from their sources, as the apps do.
    resolve: { conditions: ["source", ...defaultClientConditions] },
    build: {
      write: false,
      // Not library mode: it keeps an ES bundle's whitespace, which no app ships.
      minify: true,
      modulePreload: false,
      rolldownOptions: {
        input,
        external,
        preserveEntrySignatures: "strict",
        output: { format: "es" },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const code = outputs
    .flatMap((output) => output.output)
    .filter((chunk) => chunk.type === "chunk")
    .map((chunk) => chunk.code)
    .join("\n");
  return {
    minified: Buffer.byteLength(code),
    gzipped: gzipSync(code, { level: 9 }).byteLength,
  };
}
