// The README's "From TypeScript" snippet, run as written: it is extracted
// from ../../README.md (the first ```ts block under "## From TypeScript"),
// type-checked with the pinned tsc and this project's strict options, and run
// with the pinned tsx against the local API, the way the snippet's own
// comments tell a reader to run it.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { baseUrl, tokens } from "./support.ts";

const run = promisify(execFile);

export const readmeFile = new URL("../../README.md", import.meta.url);
export const heading = "## From TypeScript";

/** The first ```ts (or ```typescript) block of the README section `heading`. */
export function snippetFrom(markdown: string, sectionHeading: string): string {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trimEnd() === sectionHeading);
  assert.ok(start >= 0, `README.md has no "${sectionHeading}" heading`);
  let fence: string | undefined; // the open fence, when inside a code block
  let body: string[] | undefined; // the ts block's lines, once it opened
  for (const line of lines.slice(start + 1)) {
    if (fence === undefined) {
      if (/^#{1,2} /.test(line)) break; // the next section
      const open = /^(```+|~~~+)\s*(\S*)/.exec(line);
      if (open) {
        fence = open[1];
        if (open[2] === "ts" || open[2] === "typescript") body = [];
      }
    } else if (line.trimEnd() === fence) {
      if (body !== undefined) return body.join("\n") + "\n";
      fence = undefined;
    } else {
      body?.push(line);
    }
  }
  assert.fail(`README.md's "${sectionHeading}" section has no \`\`\`ts block`);
}

const contractDir = fileURLToPath(new URL("../", import.meta.url));
const bin = (name: string) => `${contractDir}node_modules/.bin/${name}`;

test('README "From TypeScript": the snippet type-checks and runs as written against losant serve', async (t) => {
  const snippet = snippetFrom(readFileSync(readmeFile, "utf8"), heading);

  // The snippet names its file in its `npx tsx FILE` line, and the generated
  // types in its `import type ... from "./FILE"`: lay them out that way.
  const file = /npx tsx (\S+\.[cm]?ts)\b/.exec(snippet)?.[1] ?? "snippet.mts";
  const typesImport = /import type \{[^}]*\bpaths\b[^}]*\} from "\.\/([^"]+)"/.exec(snippet)?.[1];
  assert.ok(typesImport, 'the snippet imports `paths` from its generated types ("./...")');
  const typesFile = typesImport.replace(/\.[cm]?[jt]s$/, "") + ".ts";

  const dir = fileURLToPath(new URL("../gen/readme-snippet/", import.meta.url));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${file}`, snippet);
  // What `npx openapi-typescript openapi.yaml --output ...` makes: the same
  // pinned generator already made it from the same openapi.yaml.
  copyFileSync(new URL("../gen/losant.ts", import.meta.url), `${dir}${typesFile}`);
  writeFileSync(
    `${dir}tsconfig.json`,
    JSON.stringify({
      extends: "../../tsconfig.json",
      // skipLibCheck: the main tsc step already checked every .d.ts.
      compilerOptions: { types: ["node"], skipLibCheck: true },
      include: [file, typesFile],
    }),
  );
  t.diagnostic(`README snippet (${snippet.split("\n").length - 1} lines) in gen/readme-snippet/${file}`);

  await run(bin("tsc"), ["--noEmit", "-p", dir], { cwd: dir, timeout: 60_000 }).catch((e: { stdout?: string }) => {
    assert.fail(`the README snippet does not type-check:\n${e.stdout ?? String(e)}`);
  });

  const env = { ...process.env, LOSANT_API_URL: baseUrl };
  // A token with the scope: exit 0, the job log's status and progress.
  const ok = await run(bin("tsx"), [file], {
    cwd: dir,
    env: { ...env, LOSANT_API_TOKEN: tokens.reader },
    timeout: 30_000,
  }).catch((e: { code?: number; stdout?: string; stderr?: string }) => {
    assert.fail(`the README snippet failed (exit ${e.code}):\n${e.stdout ?? ""}${e.stderr ?? String(e)}`);
  });
  assert.equal(ok.stdout, "completed 100/100\n", `snippet stdout (stderr: ${ok.stderr})`);

  // A token without the scope: the typed error branch, exit 1.
  const denied = await run(bin("tsx"), [file], {
    cwd: dir,
    env: { ...env, LOSANT_API_TOKEN: tokens.noscope },
    timeout: 30_000,
  }).then(
    (r) => assert.fail(`the snippet exited 0 with a token lacking the scope: ${r.stdout}`),
    (e: { code?: number; stdout?: string; stderr?: string }) => e,
  );
  assert.equal(denied.code, 1, `exit code (stderr: ${denied.stderr})`);
  assert.equal(denied.stdout, "");
  assert.match(denied.stderr ?? "", /^403 Forbidden \S/);
});

test("the README extractor takes the first ts block of the section and no other", () => {
  const md = [
    "# x",
    "## From TypeScript",
    "text",
    "```sh",
    "## not a heading",
    "```",
    "```ts",
    "const a = 1;",
    "```",
    "```ts",
    "const b = 2;",
    "```",
    "## Next",
  ].join("\n");
  assert.equal(snippetFrom(md, "## From TypeScript"), "const a = 1;\n");
  assert.throws(() => snippetFrom("## From TypeScript\ntext\n## Next\n```ts\nx\n```\n", "## From TypeScript"), /no ```ts block/);
  assert.throws(() => snippetFrom("# nothing\n", "## From TypeScript"), /no "## From TypeScript" heading/);
});
