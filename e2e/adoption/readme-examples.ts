import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGES, REPOSITORY } from "./tarballs";

/** Where in the app the examples are written; the template's tsconfig.json includes it. */
export const EXAMPLES_FOLDER = "readme-examples";

/** One ```ts or ```tsx block of a README, written as a file of the app. */
export type Example = {
  /** The README, from the repository's root: what a failure names. */
  readme: string;
  /** The line of the README the block's first line of code is on (1-based). */
  line: number;
  /** The file in the app, relative to it, as tsc names it. */
  file: string;
};

type Block = { line: number; language: "ts" | "tsx"; code: string };

const READMES = ["README.md", ...PACKAGES.map((directory) => `packages/${directory}/README.md`)];

/**
 * Every ```ts and ```tsx block of a Markdown text, in order. A block whose info string says
 * `fragment` (```ts fragment) is left out: it is deliberately not a whole program.
 */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let open: { line: number; language: string; fragment: boolean; indent: string } | undefined;
  let code: string[] = [];
  markdown.split("\n").forEach((text, index) => {
    const fence = /^(\s*)```(.*)$/.exec(text);
    if (!open) {
      if (!fence) return;
      const [language = "", ...words] = fence[2]!.trim().split(/\s+/);
      open = { line: index + 2, language, fragment: words.includes("fragment"), indent: fence[1]! };
      code = [];
      return;
    }
    if (fence && fence[2]!.trim() === "") {
      if ((open.language === "ts" || open.language === "tsx") && !open.fragment) {
        blocks.push({ line: open.line, language: open.language, code: code.join("\n") });
      }
      open = undefined;
      return;
    }
    code.push(text.startsWith(open.indent) ? text.slice(open.indent.length) : text);
  });
  return blocks;
}

/**
 * Writes each README's examples into the app, one file per block, exactly as written. Each
 * ends with `export {}` so it is a module of its own (as a file a user pastes it into is): the
 * examples' names do not collide and top-level await is allowed.
 */
export function writeExamples(app: string): Example[] {
  const folder = join(app, EXAMPLES_FOLDER);
  mkdirSync(folder, { recursive: true });
  return READMES.flatMap((readme) => {
    const name = readme === "README.md" ? "root" : readme.split("/")[1]!;
    const markdown = readFileSync(join(REPOSITORY, readme), "utf8");
    return codeBlocks(markdown).map(({ line, language, code }) => {
      const file = `${EXAMPLES_FOLDER}/${name}-line-${line}.${language}`;
      writeFileSync(join(app, file), `${code}\nexport {};\n`);
      return { readme, line, file };
    });
  });
}
