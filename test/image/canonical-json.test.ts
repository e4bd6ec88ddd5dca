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

test("canonical json: integer-like keys sort as strings, Dates and Maps as their own keys, __proto__ as a key", () => {
  assert.is(canonicalJson({ b: 1, "10": 2, "2": 3, a: [{ "1": 0, "0": 1 }] }), '{"10":2,"2":3,"a":[{"0":1,"1":0}],"b":1}');
  assert.is(canonicalJson({ d: new Date(0), m: new Map([["k", 1]]) }), '{"d":{},"m":{}}');
  assert.is(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":true}')), '{"__proto__":{"x":1},"a":true}');
  const files = Array.from({ length: 2 }, (_, i) => ({ type: "file", path: `f${i}`, mode: 420, digest: `sha256:${i}`, gid: 0, uid: 0 }));
  assert.is(
    canonicalJson({ files }),
    '{"files":[{"digest":"sha256:0","gid":0,"mode":420,"path":"f0","type":"file","uid":0},{"digest":"sha256:1","gid":0,"mode":420,"path":"f1","type":"file","uid":0}]}',
  );
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
