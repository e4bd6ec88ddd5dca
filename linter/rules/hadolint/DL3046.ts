import type { Rule } from "../../types.js";
import { flagValues, hasFlag, type OptionSpec } from "../../shell/index.js";
import { allRunCommands, rangeOf } from "./helpers.js";

const USERADD: OptionSpec = { shortWithValue: "bcdefgGkKpuRPsZ", longWithValue: ["base-dir", "comment", "home-dir", "expiredate", "inactive", "gid", "groups", "skel", "key", "password", "uid", "root", "prefix", "shell", "selinux-user"] };

/**
 * hadolint DL3046: `useradd` without flag `-l` and high UID will result in excessively large Image.
 * useradd writes a record at offset UID in the sparse `/var/log/lastlog` and `faillog`; layers do not keep files sparse, so a six-digit UID adds a huge file. `-l` (`--no-log-init`) skips those logs.
 */
export const DL3046: Rule = {
  meta: {
    id: "DL3046",
    source: "hadolint",
    severity: "warning",
    summary: "`useradd` without flag `-l` and high UID will result in excessively large Image",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["useradd"])) {
      if (hasFlag(c.args, ["l", "no-log-init"], USERADD)) continue;
      const uid = flagValues(c.args, ["u", "uid"], USERADD)[0];
      if (uid === undefined || !/^\d+$/.test(uid) || uid.length <= 5) continue;
      ctx.report(this.meta, rangeOf(c), "`useradd` without flag `-l` and high UID will result in excessively large Image");
    }
  },
};
