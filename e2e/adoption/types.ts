import { runInApp } from "./app";
import { check, expect } from "./checks";
import { EXAMPLES_FOLDER, type Example } from "./readme-examples";

type Diagnostic = { file: string; line: number; text: string };

/**
 * One `tsc` over the app (strict, exactOptionalPropertyTypes, skipLibCheck: false; see the
 * template's tsconfig.json) and its errors sorted by whose they are, so each kind is its own
 * check: the app's code, the READMEs' examples (written into the app by writeExamples), the
 * kit's types under exactOptionalPropertyTypes, the kit's declarations, and the declarations
 * of the kit's dependencies.
 */
export async function checkTypes(app: string, examples: Example[]) {
  const diagnostics = await typeCheck(app);
  const packageOf = (file: string) =>
    /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? null;
  const exactOptional = (diagnostic: Diagnostic) =>
    diagnostic.text.includes("exactOptionalPropertyTypes");
  const isExample = (diagnostic: Diagnostic) => diagnostic.file.startsWith(`${EXAMPLES_FOLDER}/`);
  const appCode = diagnostics.filter(
    (diagnostic) => packageOf(diagnostic.file) === null && !isExample(diagnostic),
  );
  const kit = diagnostics.filter((diagnostic) => packageOf(diagnostic.file)?.startsWith("@x/"));
  const dependencies = diagnostics.filter(
    (diagnostic) => packageOf(diagnostic.file) && !packageOf(diagnostic.file)?.startsWith("@x/"),
  );

  await check("types-app", "the app's code type-checks (strict) against the kit", () =>
    expectNone(appCode.filter((diagnostic) => !exactOptional(diagnostic))),
  );

  await check(
    "readme-examples",
    "every ts/tsx example in the READMEs type-checks as written, in the app (strict)",
    () => {
      expect(examples.length > 0, "no ```ts or ```tsx block found in the READMEs");
      const errors = diagnostics.filter(isExample).map((diagnostic) => {
        const example = examples.find(({ file }) => file === diagnostic.file);
        // Line 1 of the file is the block's first line of code.
        const where = example
          ? `${example.readme}:${example.line + diagnostic.line - 1}`
          : diagnostic.file;
        return `${where}: ${diagnostic.text}`;
      });
      expect(errors.length === 0, errors.join("\n"));
    },
  );
  await check(
    "types-exact-optional",
    "the kit's option types accept what the READMEs pass under exactOptionalPropertyTypes",
    () => expectNone(appCode.filter(exactOptional)),
  );
  await check("types-of-the-kit", "the kit's declarations type-check (skipLibCheck: false)", () =>
    expectNone(kit),
  );
  await check(
    "types-of-dependencies",
    "the declarations the kit pulls in type-check (skipLibCheck: false)",
    () => {
      const byPackage = new Map<string, Diagnostic[]>();
      for (const diagnostic of dependencies) {
        const name = packageOf(diagnostic.file)!;
        byPackage.set(name, [...(byPackage.get(name) ?? []), diagnostic]);
      }
      expect(
        byPackage.size === 0,
        [...byPackage]
          .map(([name, errors]) => `${errors.length} errors in ${name}, first: ${errors[0]!.text}`)
          .join("\n"),
      );
    },
  );
}

function expectNone(diagnostics: Diagnostic[]) {
  expect(
    diagnostics.length === 0,
    diagnostics.map((diagnostic) => `${diagnostic.file}: ${diagnostic.text}`).join("\n"),
  );
}

async function typeCheck(app: string): Promise<Diagnostic[]> {
  const output = await runInApp(app, ["tsc", "--pretty", "false"]).then(
    (stdout) => stdout,
    (error: { output?: string }) => error.output ?? "",
  );
  // "file(line,col): error TS1234: message", then indented lines that belong to it.
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split("\n")) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
    if (match) diagnostics.push({ file: match[1]!, line: Number(match[2]), text: match[3]! });
    else if (line.startsWith(" ") && diagnostics.length)
      diagnostics.at(-1)!.text += ` ${line.trim()}`;
  }
  if (!diagnostics.length && /error TS/.test(output)) {
    diagnostics.push({ file: "tsc", line: 0, text: output.trim() });
  }
  return diagnostics;
}
