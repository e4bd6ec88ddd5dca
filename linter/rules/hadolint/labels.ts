/** LABEL helpers for the label-schema rules (DL3048-DL3058): resolved pairs and value checks. */
import type { Instruction, SourceRange } from "../../../parser/index.js";
import type { LintContext } from "../../context.js";

export interface LabelPair {
  readonly instruction: Instruction;
  /** Resolved key and value; undefined when they depend on unknown values. */
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly range: SourceRange;
}

const LABEL_PAIRS: unique symbol = Symbol("labelPairs");

/** Every LABEL key/value of the file (not ONBUILD triggers), resolved once per file (ten rules read them). */
export function labelPairs(ctx: LintContext): readonly LabelPair[] {
  return ctx.memo(LABEL_PAIRS, () => collectLabelPairs(ctx));
}

function collectLabelPairs(ctx: LintContext): LabelPair[] {
  const out: LabelPair[] = [];
  for (const i of ctx.ofKind("LABEL")) {
    for (const p of i.pairs) out.push({ instruction: i, key: ctx.resolve(p.key, i), value: ctx.resolve(p.value, i), range: p.range });
  }
  return out;
}

const RESERVED_NAMESPACES = ["com.docker.", "io.docker.", "org.dockerproject."];

/** Docker's label key recommendations. */
export function validLabelKey(key: string): boolean {
  if (RESERVED_NAMESPACES.some((ns) => key.startsWith(ns))) return false;
  return /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/.test(key);
}

export function isUrlValue(v: string): boolean {
  try {
    const u = new URL(v);
    return /^[a-z][a-z0-9+.-]*:$/.test(u.protocol) && (u.host !== "" || u.protocol === "mailto:" || u.protocol === "urn:");
  } catch {
    return false;
  }
}

export function isRfc3339(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(v);
  if (!m) return false;
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

export function isGitHash(v: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(v) || /^[0-9a-f]{64}$/i.test(v);
}

export function isSemver(v: string): boolean {
  return /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/.test(v);
}

export function isEmail(v: string): boolean {
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(v) &&
    !v.startsWith(".") && !v.includes("..");
}

/** Common SPDX license identifiers (the full list is long; these cover nearly all images). */
const SPDX = new Set(
  `0BSD AFL-3.0 AGPL-1.0 AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-1.0 Apache-1.1 Apache-2.0 APSL-2.0 Artistic-1.0
  Artistic-2.0 BlueOak-1.0.0 BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-Clear BSD-4-Clause BSL-1.0
  BUSL-1.1 CAL-1.0 CC-BY-3.0 CC-BY-4.0 CC-BY-SA-3.0 CC-BY-SA-4.0 CC-BY-NC-4.0 CC-BY-NC-SA-4.0 CC-BY-ND-4.0 CC0-1.0 CDDL-1.0 CDDL-1.1
  CECILL-2.1 CPAL-1.0 CPL-1.0 ECL-2.0 EFL-2.0 Elastic-2.0 EPL-1.0 EPL-2.0 EUPL-1.1 EUPL-1.2 GFDL-1.3 GFDL-1.3-only
  GFDL-1.3-or-later GPL-1.0 GPL-2.0 GPL-2.0-only GPL-2.0-or-later GPL-3.0 GPL-3.0-only GPL-3.0-or-later HPND ICU IPL-1.0 ISC
  LGPL-2.0 LGPL-2.0-only LGPL-2.0-or-later LGPL-2.1 LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0-only LGPL-3.0-or-later
  LPL-1.02 MIT MIT-0 MIT-CMU MPL-1.0 MPL-1.1 MPL-2.0 MPL-2.0-no-copyleft-exception MS-PL MS-RL MulanPSL-2.0 NCSA OFL-1.1 OpenSSL
  OSL-3.0 PHP-3.0 PHP-3.01 PostgreSQL PSF-2.0 Python-2.0 Ruby SSPL-1.0 Unicode-DFS-2016 Unicode-3.0 Unlicense UPL-1.0 Vim W3C WTFPL
  X11 Zlib ZPL-2.0 ZPL-2.1`.split(/\s+/).map((s) => s.toLowerCase()),
);
const SPDX_EXCEPTIONS = new Set(["classpath-exception-2.0", "llvm-exception", "gcc-exception-3.1", "autoconf-exception-3.0", "openssl-exception", "bison-exception-2.2"]);

/** An SPDX license expression: ids (optionally `+`), `AND`, `OR`, `WITH exception`, parentheses. */
export function isSpdx(v: string): boolean {
  const tokens = v.replace(/[()]/g, " $& ").trim().split(/\s+/);
  let expectId = true;
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t === "(") {
      if (!expectId) return false;
      depth++;
    } else if (t === ")") {
      if (expectId || --depth < 0) return false;
    } else if (t === "AND" || t === "OR") {
      if (expectId) return false;
      expectId = true;
    } else if (t === "WITH") {
      if (expectId) return false;
      const e = tokens[++k];
      if (e === undefined || !SPDX_EXCEPTIONS.has(e.toLowerCase())) return false;
    } else {
      if (!expectId) return false;
      const id = t.endsWith("+") ? t.slice(0, -1) : t;
      if (!SPDX.has(id.toLowerCase()) && !/^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(id)) return false;
      expectId = false;
    }
  }
  return !expectId && depth === 0;
}
