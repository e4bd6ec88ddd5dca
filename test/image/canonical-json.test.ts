import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalJson, canonicalJsonBytes, cloneJson, deepFreeze } from "../../image/canonical-json.js";

test("canonical json: sorted keys at every depth, no whitespace, undefined dropped", () => {
  assert.is(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" }, u: undefined }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  assert.is(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
  assert.is(canonicalJson(null), "null");
  assert.is(canonicalJson("é\n"), '"é\\n"');
  assert.ok(canonicalJsonBytes({ a: "é" }).equals(Buffer.from('{"a":"é"}')));
});

test("canonical json: refuses what JSON cannot hold", () => {
  assert.throws(() => canonicalJson({ a: NaN }), /\$\.a/);
  assert.throws(() => canonicalJson([1, undefined]), /\$\[1\]/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function/);
});

test("canonical json: clone and freeze", () => {
  const doc = { a: [1, { b: 2 }] };
  const copy = cloneJson(doc);
  assert.equal(copy, doc);
  assert.is.not(copy, doc);
  deepFreeze(copy);
  assert.ok(Object.isFrozen(copy.a[1]));
  assert.not.ok(Object.isFrozen(doc));
});

test.run();
