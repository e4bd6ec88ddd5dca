/** EXPOSE: expansion with field splitting, /tcp default, ranges, protocols. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, rejects } from "../helpers.js";
import { parsePortSpec } from "../../../builder/handlers/expose.js";

const table: [string, string[] | RegExp][] = [
  ["80", ["80/tcp"]],
  ["53/udp", ["53/udp"]],
  ["132/SCTP", ["132/sctp"]],
  ["8000-8002", ["8000/tcp", "8001/tcp", "8002/tcp"]],
  ["8000-8001/udp", ["8000/udp", "8001/udp"]],
  ["127.0.0.1:8080:80", ["80/tcp"]],
  ["80/http", /invalid proto: http/],
  ["70000", /invalid containerPort: 70000/],
  ["9-1", /invalid containerPort: 9-1/],
  ["/tcp", /no port specified/],
];
for (const [spec, want] of table) {
  test(`EXPOSE ${spec}`, () => {
    const got = parsePortSpec(spec);
    if (want instanceof RegExp) assert.match(got as string, want);
    else assert.equal(got, want);
  });
}

test("a variable may hold several ports; history lists them", async () => {
  const b = await build('FROM scratch\nARG PORTS="80 443"\nEXPOSE $PORTS 53/udp\n');
  assert.equal(b.target.state.config.ExposedPorts, { "80/tcp": {}, "443/tcp": {}, "53/udp": {} });
  assert.equal(createdBy(b).at(-1), "EXPOSE [80/tcp 443/tcp 53/udp]");
  await rejects(build("FROM scratch\nEXPOSE 80/bogus\n"), "build-invalid-instruction", "invalid proto: bogus");
});

test.run();
