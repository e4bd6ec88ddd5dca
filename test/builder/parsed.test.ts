/**
 * The derived-data caches (builder/parsed.ts), through the parse cache: a cached parse is the parse, entries are keyed by the
 * build id and the text, a bad entry is parsed again, and no id means no cache.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "../../parser/parse.js";
import { parseCached, derivedPath } from "../../builder/parsed.js";
import { fixturesDir } from "../helpers/paths.js";

/** Every Dockerfile under fixtures/, plus texts with heredocs, errors and directives. */
function corpus(): string[] {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Dockerfile|\.dockerfile$/i.test(e.name) && statSync(p).size < 1 << 20) texts.push(readFileSync(p, "utf8"));
    }
  };
  walk(fixturesDir);
  texts.push(
    "# escape=`\nFROM a AS b\nRUN echo `\n  hi\n",
    "FROM a\nRUN <<EOF bash\nset -e\necho $HOME\nEOF\nCOPY <<-X /x\n\tbody\nX\n",
    "FROM\nCOPY\nFOO bar\nENV =x\nHEALTHCHECK --interval=zz CMD true\n",
    "\uFEFFFROM a\r\nLABEL a=\"b c\" \\\r\n  d=e\r\nONBUILD RUN x\r\n",
    "",
  );
  return texts;
}

test("a parse result survives a JSON round trip unchanged (so a cached parse is the parse)", () => {
  const texts = corpus();
  assert.ok(texts.length > 40, `only ${texts.length} Dockerfiles found under ${fixturesDir}`);
  for (const text of texts) {
    const r = parse(text);
    assert.equal(JSON.parse(JSON.stringify(r)), r, `round trip changed the parse of:\n${text.slice(0, 200)}`);
  }
});

const withDir = (fn: (dir: string) => Promise<void>) => async () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-parsed-"));
  try {
    await fn(join(dir, "parsed"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const TEXT = "FROM busybox AS b\nRUN echo hi\nCOPY --from=b /a /b\n";

test("the first parse writes an entry; the next one reads it instead of parsing", withDir(async (dir) => {
  const first = await parseCached(TEXT, { dir, id: "build-1" });
  assert.equal(first, parse(TEXT));
  const path = derivedPath({ dir, id: "build-1" }, [TEXT])!;
  assert.ok(existsSync(path), "no cache entry written");
  // an entry that differs from a fresh parse shows the second call reads the cache
  const marked = { ...first, diagnostics: [{ code: "marker", severity: "warning", message: "from the cache", range: first.dockerfile.range }] };
  writeFileSync(path, JSON.stringify(marked));
  assert.equal(await parseCached(TEXT, { dir, id: "build-1" }), marked);
}));

test("the key covers the build id and the text", withDir(async (dir) => {
  const a = derivedPath({ dir, id: "build-1" }, [TEXT]);
  assert.is.not(a, derivedPath({ dir, id: "build-2" }, [TEXT]));
  assert.is.not(a, derivedPath({ dir, id: "build-1" }, [`${TEXT}\n`]));
  // parts are delimited: moving text from one part to the next is another key
  assert.is.not(derivedPath({ dir, id: "i" }, ["ab", "c"]), derivedPath({ dir, id: "i" }, ["a", "bc"]));
  await parseCached(TEXT, { dir, id: "build-1" });
  await parseCached(TEXT, { dir, id: "build-2" });
  assert.is(readdirSync(dir).length, 2);
}));

test("a corrupt or truncated entry is parsed again and replaced", withDir(async (dir) => {
  await parseCached(TEXT, { dir, id: "x" });
  const path = derivedPath({ dir, id: "x" }, [TEXT])!;
  for (const bad of ['{"dockerfile": {', "null", '{"other": 1}']) {
    writeFileSync(path, bad);
    assert.equal(await parseCached(TEXT, { dir, id: "x" }), parse(TEXT));
    assert.equal(JSON.parse(readFileSync(path, "utf8")), parse(TEXT));
  }
}));

test("without a build id (unbundled code) nothing is cached", withDir(async (dir) => {
  assert.is(derivedPath({ dir }, [TEXT]), undefined);
  assert.equal(await parseCached(TEXT, { dir }), parse(TEXT));
  assert.not.ok(existsSync(dir));
}));

test.run();
