/**
 * RUN (BuildKit's dispatchRun):
 * - exec form runs as written; shell form runs `SHELL… text`. Nothing is expanded by kiln: the
 *   shell sees `$VAR` and the build env.
 * - Heredocs: `RUN <<EOF` alone runs the body with the shell (`/bin/sh -c <body>`), or, when the
 *   body starts with `#!`, writes it to `/dev/pipes/EOF` (0755, mounted read-only) and runs
 *   `/bin/sh -c /dev/pipes/EOF`. Any other form (`RUN python3 <<EOF`, several heredocs) is given
 *   to the shell whole: the line, then each body and its delimiter, so the shell itself does
 *   the heredoc and its expansion (quoted delimiters stay quoted).
 * - env: the build env (config Env, ARGs, ENV) plus the proxy `--build-arg`s not otherwise set.
 * - `--mount` values are expanded (not `from`), targets made absolute against WORKDIR, and
 *   BuildKit's defaults filled in.
 * - History `RUN [|N A=1 B=2 ]argv… # buildkit` where the `|N …` prefix lists the stage's
 *   declared ARGs with their current values (proxy ARGs given only with --build-arg never appear).
 */
import { posix } from "node:path";
import type { Mount, RunInstruction } from "../../parser/ast.js";
import { history, type InlineFile, type RunMount } from "../effects.js";
import { envList, envMap, workdirOf, type StageState } from "../state.js";
import { commandArgv } from "./command.js";
import { expanderFor, fail, rangeOf, result, type HandlerContext, type Handler } from "./types.js";
import type { Expander } from "../expand.js";

const HEREDOC_ONLY = /^\d*<<-?\s*(["']?)[^\s"']+\1$/;

/** BuildKit's runCommandString: `|N K=V … argv…` when the stage has declared ARGs. */
export function runHistoryText(state: StageState, argv: readonly string[]): string {
  const env = envMap(state);
  const order: string[] = [];
  const values = new Map<string, string>();
  for (const arg of state.args) {
    if (!values.has(arg.name)) order.push(arg.name);
    values.set(arg.name, env.get(arg.name) ?? arg.value ?? "");
  }
  const prefix = order.length > 0 ? [`|${order.length}`, ...order.map((k) => `${k}=${values.get(k)}`)] : [];
  return [...prefix, ...argv].join(" ");
}

function parseUint(text: string, radix: 8 | 10, what: string, instruction: RunInstruction, ctx: HandlerContext): number {
  const ok = radix === 8 ? /^[0-7]+$/.test(text) : /^\d+$/.test(text);
  const n = ok ? parseInt(text, radix) : NaN;
  if (!ok || n > 0xffffffff) fail(instruction, ctx, `invalid value ${text} for ${what}`);
  return n;
}

/** docker/go-units RAMInBytes: `64m`, `1g`, `512k`, `100` (binary multiples). */
export function ramInBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const power = "bkmgtp".indexOf(m[2]!.toLowerCase() || "b");
  return Math.floor(Number(m[1]) * 1024 ** power);
}

function expandMount(mount: Mount, index: number, state: StageState, x: Expander, instruction: RunInstruction, ctx: HandlerContext): RunMount {
  const opt = (...keys: string[]): string | null => {
    for (const k of keys) {
      const v = mount.options[k];
      if (v !== undefined) return x.word(v);
    }
    return null;
  };
  const bool = (value: string | null): boolean | null => (value === null ? null : value.toLowerCase() === "true" || value === "1");
  const rawFrom = mount.options.from;
  if (rawFrom !== undefined && /\$./.test(rawFrom)) fail(instruction, ctx, "'from' doesn't support variable expansion, define alias stage instead");
  const ro = bool(opt("readonly", "ro"));
  const rw = bool(opt("readwrite", "rw"));
  const explicitRo = ro ?? (rw === null ? null : !rw);
  const target = opt("target", "dst", "destination");
  const source = opt("source", "src");
  const id = opt("id");
  const uid = opt("uid");
  const gid = opt("gid");
  const mode = opt("mode");
  const required = bool(opt("required")) ?? false;
  const absolute = (t: string): string => {
    const p = posix.isAbsolute(t) ? posix.normalize(t) : posix.join("/", workdirOf(state), t);
    if (p === "/") fail(instruction, ctx, `invalid mount target "${p}"`);
    return p.length > 1 ? p.replace(/\/$/, "") : p;
  };
  switch (mount.type) {
    case "bind":
      if (target === null) fail(instruction, ctx, "mount type bind requires a target");
      return {
        type: "bind",
        target: absolute(target),
        from: rawFrom === undefined ? { kind: "context" } : ctx.resolveSource(rawFrom),
        source: source ?? "/",
        readonly: explicitRo ?? true,
      };
    case "cache":
      if (target === null) fail(instruction, ctx, "mount type cache requires a target");
      return {
        type: "cache",
        target: absolute(target),
        id: id ?? target,
        sharing: (opt("sharing")?.toLowerCase() as "shared" | "private" | "locked" | undefined) ?? "shared",
        from: rawFrom === undefined ? null : ctx.resolveSource(rawFrom),
        source: source ?? "/",
        readonly: explicitRo ?? false,
        mode: mode === null ? 0o755 : parseUint(mode, 8, "mode", instruction, ctx),
        uid: uid === null ? 0 : parseUint(uid, 10, "uid", instruction, ctx),
        gid: gid === null ? 0 : parseUint(gid, 10, "gid", instruction, ctx),
      };
    case "tmpfs": {
      if (target === null) fail(instruction, ctx, "mount type tmpfs requires a target");
      const sizeText = opt("size");
      const size = sizeText === null ? null : ramInBytes(sizeText);
      if (sizeText !== null && size === null) fail(instruction, ctx, `invalid value for size: ${sizeText}`);
      return { type: "tmpfs", target: absolute(target), size };
    }
    case "secret": {
      const env = opt("env");
      let secretId = source ?? id;
      if (secretId === null) {
        if (target === null) fail(instruction, ctx, "invalid secret mount. one of source, target required");
        secretId = posix.basename(target);
      }
      const secretTarget = target !== null ? absolute(target) : env === null ? `/run/secrets/${posix.basename(secretId)}` : null;
      return {
        type: "secret", id: secretId, target: secretTarget, env, required,
        mode: mode === null ? 0o400 : parseUint(mode, 8, "mode", instruction, ctx),
        uid: uid === null ? 0 : parseUint(uid, 10, "uid", instruction, ctx),
        gid: gid === null ? 0 : parseUint(gid, 10, "gid", instruction, ctx),
      };
    }
    case "ssh":
      return {
        type: "ssh", id: id ?? "default", target: target !== null ? absolute(target) : `/run/buildkit/ssh_agent.${index}`, required,
        mode: mode === null ? 0o600 : parseUint(mode, 8, "mode", instruction, ctx),
        uid: uid === null ? 0 : parseUint(uid, 10, "uid", instruction, ctx),
        gid: gid === null ? 0 : parseUint(gid, 10, "gid", instruction, ctx),
      };
  }
}

export const handleRun: Handler<RunInstruction> = (state, instruction, ctx) => {
  const x = expanderFor(state, instruction, ctx);
  let argv: string[];
  const files: InlineFile[] = [];
  const { command, heredocs } = instruction;
  if (heredocs.length > 0 && command.form === "shell") {
    if (heredocs.length === 1 && HEREDOC_ONLY.test(command.text.trim())) {
      const doc = heredocs[0]!;
      if (doc.content.startsWith("#!")) {
        const path = posix.join("/dev/pipes", doc.name);
        files.push({ path, content: doc.content, mode: 0o755 });
        argv = commandArgv(state, { ...command, text: path });
      } else {
        argv = commandArgv(state, { ...command, text: doc.content });
      }
    } else {
      const script = command.text + heredocs.map((h) => `\n${h.content}${h.name}`).join("");
      argv = commandArgv(state, { ...command, text: script });
    }
  } else {
    argv = commandArgv(state, command);
  }
  let sshIndex = 0;
  const mounts = instruction.mounts.map((m) => expandMount(m, m.type === "ssh" ? sshIndex++ : 0, state, x, instruction, ctx));
  const cacheEnv = envList(state);
  const present = new Set(state.env.map(([k]) => k));
  const env = [...cacheEnv, ...ctx.proxyEnv.filter(([k]) => !present.has(k)).map(([k, v]) => `${k}=${v}`)];
  const network = instruction.network ?? "default";
  if (network !== "default" && network !== "none" && network !== "host") fail(instruction, ctx, `unsupported network mode "${network}"`);
  const security = instruction.security ?? "sandbox";
  if (security !== "sandbox" && security !== "insecure") fail(instruction, ctx, `unsupported security mode "${security}"`);
  return result(state, [{
    kind: "run",
    argv,
    env,
    cacheEnv,
    user: state.config.User ?? "",
    workdir: workdirOf(state),
    network,
    security,
    mounts,
    files,
    platform: state.platform,
    range: rangeOf(instruction, ctx),
    history: history(`RUN ${runHistoryText(state, argv)} # buildkit`, true),
  }], x.usedRecord());
};
