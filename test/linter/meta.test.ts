/**
 * Every registered rule has a doc (linter/docs/<id>.md with a failing and a passing example) and a
 * test file (test/linter/rules/<source>/<id>.test.ts) exporting `cases` from `ruleCases` with at
 * least one firing and one passing case. The cases are re-run here, so they must really assert.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { allRules } from "../../linter/index.js";
import { repoRoot } from "../helpers/paths.js";
import { checkFire, checkPass, type RuleCases } from "./helpers.js";

test("rule ids are unique", () => {
  const ids = allRules.map((r) => r.meta.id.toLowerCase());
  assert.equal(new Set(ids).size, ids.length);
});

test("sameAs names rules of the other set", () => {
  for (const rule of allRules) {
    for (const id of rule.meta.sameAs ?? []) {
      const other = allRules.find((r) => r.meta.id === id);
      if (other) assert.is.not(other.meta.source, rule.meta.source, `${rule.meta.id} sameAs ${id}`);
    }
  }
});

for (const rule of allRules) {
  const id = rule.meta.id;
  test(`${id} has a doc with a failing and a passing example`, () => {
    const doc = join(repoRoot, "linter", "docs", `${id}.md`);
    assert.ok(existsSync(doc), `missing linter/docs/${id}.md`);
    const text = readFileSync(doc, "utf8");
    assert.ok(text.startsWith(`# ${id}`), `linter/docs/${id}.md must start with "# ${id}"`);
    assert.ok(/❌/.test(text) && /✅/.test(text), `linter/docs/${id}.md needs a ❌ failing and a ✅ passing example`);
    assert.ok((text.match(/```dockerfile/g) ?? []).length >= 2, `linter/docs/${id}.md needs two dockerfile examples`);
  });

  test(`${id} has firing and passing test cases`, async () => {
    const source = join(repoRoot, "test", "linter", "rules", rule.meta.source, `${id}.test.ts`);
    assert.ok(existsSync(source), `missing test/linter/rules/${rule.meta.source}/${id}.test.ts`);
    const mod = (await import(`./rules/${rule.meta.source}/${id}.test.js`)) as { cases?: RuleCases };
    const cases = mod.cases;
    assert.ok(cases, `test/linter/rules/${rule.meta.source}/${id}.test.ts must export cases = ruleCases(...)`);
    assert.is(cases.rule, id);
    assert.ok(cases.fires.length >= 1, `${id}: no firing case`);
    assert.ok(cases.passes.length >= 1, `${id}: no passing case`);
    for (const c of cases.fires) {
      const failure = checkFire(id, c);
      assert.ok(failure === null, failure ?? "");
    }
    for (const c of cases.passes) {
      const failure = checkPass(id, c);
      assert.ok(failure === null, failure ?? "");
    }
  });
}

test.run();
