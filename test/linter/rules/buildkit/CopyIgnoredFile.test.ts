import * as assert from "uvu/assert";
import { CopyIgnoredFile } from "../../../../linter/rules/buildkit/CopyIgnoredFile.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(CopyIgnoredFile, {
  fires: [
    { dockerfile: "FROM alpine\nCOPY secrets.env /app/\n", options: { dockerignore: "*.env\n" }, message: "Attempting to Copy file \"secrets.env\" that is excluded by .dockerignore" },
    { dockerfile: "FROM alpine\nADD node_modules/x /x\n", options: { dockerignore: "node_modules\n" }, message: /Add file "node_modules\/x"/ },
    { dockerfile: "FROM alpine\nARG F=build/out\nCOPY $F /\n", options: { dockerignore: "**/out\n" } },
  ],
  passes: [
    { dockerfile: "FROM alpine\nCOPY src /app/\n", options: { dockerignore: "*.env\n" } },
    { dockerfile: "FROM alpine\nCOPY secrets.env /app/\n", options: { dockerignore: "*.env\n!secrets.env\n" } },
    { dockerfile: "FROM alpine AS b\nFROM alpine\nCOPY --from=b x.env /\n", options: { dockerignore: "*.env\n" } },
    { dockerfile: "FROM alpine\nCOPY secrets.env /app/\n" },
  ],
}, (test) => {
  test("experimental: off unless enabled", async () => {
    const { lint } = await import("../../../../linter/index.js");
    const r = lint("FROM alpine\nCOPY a.env /\n", { dockerignore: "*.env" });
    assert.is(r.findings.filter((f) => f.ruleId === "CopyIgnoredFile").length, 0);
    const on = lint("# check=experimental=CopyIgnoredFile\nFROM alpine\nCOPY a.env /\n", { dockerignore: "*.env" });
    assert.is(on.findings.filter((f) => f.ruleId === "CopyIgnoredFile").length, 1);
    assert.ok(findingsOf("CopyIgnoredFile", "FROM alpine\nCOPY a.env /\n", { dockerignore: "*.env" }).length === 1);
  });
});
