/**
 * What COPY and ADD share (BuildKit's dispatchCopy): sources, heredoc files, destination
 * against WORKDIR, --chown/--chmod, the history text.
 */
import { posix } from "node:path";
import type { AddInstruction, CopyInstruction } from "../../parser/ast.js";
import { processWord } from "../../parser/shell/index.js";
import { history, type Chmod, type CopyEffect, type CopySource, type SourceRef } from "../effects.js";
import { workdirOf, type StageState } from "../state.js";
import { BuildCodes } from "../errors.js";
import { expansionError } from "../args.js";
import { expanderFor, fail, rangeOf, result, type HandlerContext, type HandlerResult } from "./types.js";

/** BuildKit's pathRelativeToWorkingDir: absolute as written (cleaned), else joined to WORKDIR; a trailing `/` (or `/.`) kept. */
export function resolveDestination(workdir: string, dest: string): string {
  const keepSlash = dest.endsWith("/") || dest.endsWith("/.") || dest === "." || dest === "";
  let p = posix.isAbsolute(dest) ? posix.normalize(dest) : posix.join("/", workdir, dest === "" ? "." : dest);
  if (p.length > 1) p = p.replace(/\/+$/, "");
  if (keepSlash && !p.endsWith("/")) p += "/";
  return p;
}

/** dchapes-mode symbolic modes: `[ugoa]*[-+=]([rwxXst]*|[ugo])…`, comma-separated. */
const SYMBOLIC = /^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+$/;

/** `--chmod` value: octal up to 07777, or a symbolic mode; an error message otherwise. */
export function parseChmod(text: string): Chmod | string {
  const nonOctal = `invalid chmod parameter: '${text}'. it should be octal string and between 0 and 07777`;
  if (/^[0-7]+$/.test(text)) {
    const mode = parseInt(text, 8);
    return mode > 0o7777 ? nonOctal : { kind: "octal", mode };
  }
  if (/^[+-]?\d+$/.test(text)) return nonOctal;
  if (text !== "" && text.split(",").every((part) => SYMBOLIC.test(part))) return { kind: "symbolic", text };
  return `invalid chmod parameter: '${text}'. it should be octal string (up to 07777) or a symbolic mode such as u+x`;
}

/** dfgitutil.ParseGitRef, the part that tells a git URL from an http one or a local path. */
export function isGitSource(src: string): boolean {
  if (/^(git|ssh):\/\//.test(src) || /^git@[^:]+:/.test(src)) return true;
  if (/^https?:\/\//.test(src)) {
    const path = src.replace(/#.*$/, "").replace(/\?.*$/, "");
    return path.endsWith(".git");
  }
  return false;
}

export function isHttpSource(src: string): boolean {
  return /^https?:\/\//.test(src) && !isGitSource(src);
}

/** The file name ADD saves a URL as: the last path element, `__unnamed__` when there is none. */
export function urlFilename(src: string): string {
  try {
    const base = posix.basename(new URL(src).pathname);
    return base === "" || base === "." || base === "/" ? "__unnamed__" : decodeURIComponent(base);
  } catch {
    return "__unnamed__";
  }
}

const HEREDOC_WORD = /^\d*<<-?(["']?)([^\s"']+)\1$/;

export function copyLike(state: StageState, instruction: CopyInstruction | AddInstruction, ctx: HandlerContext): HandlerResult {
  const isAdd = instruction.kind === "ADD";
  const range = rangeOf(instruction, ctx);
  if (instruction.destination === null) fail(instruction, ctx, `${instruction.kind} requires at least two arguments`);
  const x = expanderFor(state, instruction, ctx);

  let from: SourceRef = { kind: "context" };
  if (instruction.kind === "COPY" && instruction.from !== null) {
    let plain: string;
    try {
      plain = processWord(instruction.from, new Map(), { escapeChar: state.escapeChar });
    } catch (e) {
      throw expansionError(e, range, ctx.trigger?.text);
    }
    if (plain !== instruction.from) {
      fail(instruction, ctx, "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround");
    }
    from = ctx.resolveSource(instruction.from);
  }

  const heredocNames = new Set(instruction.heredocs.map((h) => h.name));
  const sources: CopySource[] = [];
  const printed: string[] = [];
  for (const word of instruction.sources) {
    const m = HEREDOC_WORD.exec(word.text);
    if (m && heredocNames.has(m[2]!)) continue;
    const src = x.word(word.text);
    printed.push(src);
    if (isGitSource(src)) {
      if (!isAdd) fail(instruction, ctx, "source can't be a git ref for COPY");
      sources.push({ kind: "git", url: src });
    } else if (isHttpSource(src)) {
      if (!isAdd) fail(instruction, ctx, "source can't be a URL for COPY");
      sources.push({ kind: "url", url: src, filename: urlFilename(src), unpack: instruction.kind === "ADD" && instruction.unpack === true });
    } else {
      sources.push({ kind: "path", path: src });
    }
  }
  for (const doc of instruction.heredocs) {
    let content = doc.content;
    if (doc.expand) {
      content = x.word(content, { skipProcessQuotes: true, escapeChar: "\\" });
    }
    sources.push({ kind: "heredoc", name: doc.name, content });
  }
  const destText = x.word(instruction.destination.text);
  const destination = resolveDestination(workdirOf(state), destText);

  const chown = instruction.chown === null ? null : x.word(instruction.chown);
  let chmod: Chmod | null = null;
  const chmodText = instruction.chmod === null ? null : x.word(instruction.chmod);
  if (chmodText !== null && chmodText !== "") {
    const parsed = parseChmod(chmodText);
    if (typeof parsed === "string") fail(instruction, ctx, parsed);
    chmod = parsed;
  }

  let checksum: string | null = null;
  let unpack = false;
  let keepGitDir = false;
  if (instruction.kind === "ADD") {
    checksum = instruction.checksum === null ? null : x.word(instruction.checksum) || null;
    if (checksum !== null) {
      if (sources.length !== 1) fail(instruction, ctx, "checksum can't be specified for multiple sources");
      const only = sources[0]!;
      if (only.kind !== "url" && only.kind !== "git") fail(instruction, ctx, "checksum requires HTTP(S) or Git sources");
      if (only.kind === "url" && !/^sha(256|384|512):[a-f0-9]+$/.test(checksum)) fail(instruction, ctx, `invalid checksum digest format: ${checksum}`);
    }
    unpack = instruction.unpack ?? true;
    keepGitDir = instruction.keepGitDir;
  }
  if (sources.length === 0) fail(instruction, ctx, `${instruction.kind} requires at least one source`, BuildCodes.source);

  const parts = [instruction.kind as string];
  if (instruction.parents) parts.push("--parents");
  if (chown) parts.push(`--chown=${chown}`);
  if (chmodText) parts.push(`--chmod=${chmodText}`);
  parts.push(...printed, ...instruction.heredocs.map((h) => `<<${h.name}`), destText);

  const effect: CopyEffect = {
    kind: "copy",
    instruction: instruction.kind,
    from,
    sources,
    destination,
    chown: chown || null,
    chmod,
    link: instruction.link,
    parents: instruction.parents,
    exclude: [...instruction.exclude],
    // URLs are never unpacked unless --unpack=true; local files by ADD unless --unpack=false.
    unpack: isAdd && unpack,
    checksum,
    keepGitDir,
    range,
    history: history(`${parts.join(" ")} # buildkit`, true),
  };
  return result(state, [effect], x.usedRecord());
}
