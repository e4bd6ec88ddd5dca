/**
 * `LintContext`: everything a rule needs about one Dockerfile, built once per file. Stages and
 * the ARG/ENV scopes are computed lazily, on the first rule that asks, so rules that only look at
 * the syntax cost nothing extra.
 *
 * Resolution follows BuildKit: global ARGs (before the first FROM) are visible to FROM lines
 * only, together with the predefined platform ARGs; inside a stage an ARG must be re-declared to
 * be visible (`ARG NAME` takes the global default); `--build-arg` values override defaults; ENV
 * is inherited from a parent stage (`FROM builder`), ARG is not; ENV wins over ARG of the same
 * name. A value that depends on anything unknown (an ARG without default, a variable a base
 * image may set) is `undefined`: rules stay silent rather than guess.
 */
import {
  LineIndex,
  type Diagnostic,
  type Dockerfile,
  type FromInstruction,
  type Instruction,
  type InstructionKind,
  type SourceRange,
  type Word,
} from "../parser/index.js";
import { isPlainWord, processWordWithMatches, type Expansion } from "../parser/shell/index.js";
import { DEFAULT_CONFIG, type LintConfig } from "./config.js";
import type { Finding, Fix, Rule, RuleMeta } from "./types.js";

export interface LintOptions {
  /** How findings name the file (also where `.dockerignore` was looked up by the caller). */
  readonly file?: string;
  readonly config?: LintConfig;
  /** `--build-arg K=V`: overrides ARG defaults during resolution. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Contents of the `.dockerignore` that applies to this Dockerfile (null/undefined: none). */
  readonly dockerignore?: string | null;
  /** Target platform for TARGETPLATFORM & co. (`os/arch[/variant]`); the host's by default. */
  readonly platform?: string;
  /** The rules to run (all registered rules by default). */
  readonly rules?: readonly Rule[];
  /** Also run the `shellcheck` binary on every RUN script (`--shellcheck`). */
  readonly shellcheck?: boolean;
}

export interface Stage {
  readonly index: number;
  readonly from: FromInstruction;
  /** The stage name, lower-cased as BuildKit does (null when the stage has none). */
  readonly name: string | null;
  /** The instructions after the FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[];
  /** The base image after expanding global ARGs, or undefined when that depends on unknowns. */
  readonly base: string | undefined;
  /** The earlier stage this one builds on (`FROM builder`), if any. */
  readonly parent: Stage | undefined;
}

/** Where a variable's value comes from. */
export type BindingSource = "arg" | "env" | "predefined" | "build-arg";

export interface Binding {
  /** undefined: declared, but its value is not known statically. */
  readonly value: string | undefined;
  readonly source: BindingSource;
  /** The ARG or ENV that declared it (null for predefined ARGs and inherited base values). */
  readonly at: Instruction | null;
}

/** The variables visible to one instruction. Immutable; instructions between ARG/ENV share one. */
export class Scope {
  constructor(
    readonly env: ReadonlyMap<string, Binding>,
    readonly args: ReadonlyMap<string, Binding>,
    /**
     * True when every variable that can be set is known (a stage built `FROM scratch`, or from a
     * stage that is): names not bound here are truly unset. False for external base images,
     * whose own ENV we cannot see.
     */
    readonly closed: boolean,
  ) {}

  /** ENV wins over ARG of the same name. */
  get(name: string): Binding | undefined {
    return this.env.get(name) ?? this.args.get(name);
  }

  private _names: readonly string[] | undefined;
  /** Every bound name (for "did you mean" suggestions; made once per scope, which is immutable). */
  names(): readonly string[] {
    return (this._names ??= [...new Set([...this.env.keys(), ...this.args.keys()])]);
  }

  private _known: Map<string, string> | undefined;
  /** resolveIn's answers in this scope by word, per escape character (many rules resolve the same words). */
  private _resolved: Map<string, string | undefined> | undefined;
  private _resolvedBacktick: Map<string, string | undefined> | undefined;

  /** @internal The memo resolveIn uses. */
  resolvedMemo(escapeChar: "\\" | "`"): Map<string, string | undefined> {
    return escapeChar === "`" ? (this._resolvedBacktick ??= new Map()) : (this._resolved ??= new Map());
  }

  /** The known values, as an env for parser/shell (computed once per scope). */
  knownValues(): ReadonlyMap<string, string> {
    if (this._known) return this._known;
    const out = new Map<string, string>();
    for (const [k, b] of this.args) if (b.value !== undefined) out.set(k, b.value);
    for (const [k, b] of this.env) {
      if (b.value !== undefined) out.set(k, b.value);
      else out.delete(k);
    }
    this._known = out;
    return out;
  }
}

/** BuildKit's automatic platform ARGs. */
export const PLATFORM_ARGS = [
  "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
  "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
] as const;

/** Proxy ARGs: usable in RUN without an ARG instruction, values only from `--build-arg`. */
export const PROXY_ARGS = [
  "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
  "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
] as const;

/** The PATH BuildKit sets when the base image has none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const ARCHES: Record<string, [string, string]> = {
  x64: ["amd64", ""],
  arm64: ["arm64", ""],
  arm: ["arm", "v7"],
  ia32: ["386", ""],
  ppc64: ["ppc64le", ""],
  s390x: ["s390x", ""],
  riscv64: ["riscv64", ""],
  loong64: ["loong64", ""],
};

/** `linux/<arch>[/<variant>]` of this machine (builds are Linux builds whatever the host OS). */
export function hostPlatform(): string {
  const [arch, variant] = ARCHES[process.arch] ?? [process.arch, ""];
  return variant ? `linux/${arch}/${variant}` : `linux/${arch}`;
}

/** The host's platform, once: every LintContext asks for the predefined ARGs. */
let host: string | undefined;

function platformValues(prefix: "TARGET" | "BUILD", platform: string): [string, string][] {
  const [os = "linux", arch = "", variant = ""] = platform.split("/");
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ];
}

const predefinedCache = new Map<string, ReadonlyMap<string, string>>();

/** The platform ARGs for a target platform (the host's by default); the same map per platform. */
function predefinedArgs(platform: string | undefined): ReadonlyMap<string, string> {
  host ??= hostPlatform();
  const target = platform ?? host;
  let hit = predefinedCache.get(target);
  if (!hit) {
    hit = new Map([...platformValues("TARGET", target), ...platformValues("BUILD", host)]);
    if (predefinedCache.size < 16) predefinedCache.set(target, hit);
  }
  return hit;
}

export class LintContext {
  readonly file: string;
  readonly config: LintConfig;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly dockerignore: string | null;
  readonly findings: Finding[] = [];
  /** Predefined ARG values (platforms) for this lint run. */
  readonly predefined: ReadonlyMap<string, string>;

  private _lines: LineIndex | undefined;
  private _stages: Stage[] | undefined;
  private _globalArgs: Instruction[] | undefined;
  private _stageOf: Map<Instruction, Stage> | undefined;
  private _globalScopes: Map<Instruction, Scope> | undefined;
  private _finalGlobal: Scope | undefined;
  private readonly _scopes = new Map<Instruction, Scope>();
  private readonly _stageEnd = new Map<Stage, Scope>();

  constructor(
    readonly text: string,
    readonly dockerfile: Dockerfile,
    /** The parser's diagnostics for this text. */
    readonly diagnostics: readonly Diagnostic[],
    options: LintOptions = {},
    /** The `LineIndex` of `text` if the caller has one (lint() shares the parser's). */
    lines?: LineIndex,
  ) {
    this._lines = lines;
    this.file = options.file ?? "Dockerfile";
    this.config = options.config ?? DEFAULT_CONFIG;
    this.buildArgs = options.buildArgs ?? {};
    this.dockerignore = options.dockerignore ?? null;
    this.predefined = predefinedArgs(options.platform);
  }

  get lines(): LineIndex {
    return (this._lines ??= new LineIndex(this.text));
  }

  get instructions(): readonly Instruction[] {
    return this.dockerfile.instructions;
  }

  /** The ARG instructions (and anything else) before the first FROM. */
  get globalArgs(): readonly Instruction[] {
    if (!this._globalArgs) this.buildStages();
    return this._globalArgs!;
  }

  get stages(): readonly Stage[] {
    if (!this._stages) this.buildStages();
    return this._stages!;
  }

  /** The stage an instruction belongs to (its FROM included); undefined before the first FROM. */
  stageOf(at: Instruction): Stage | undefined {
    // Made on first use: one rule asks (scopes are looked up by instruction directly).
    if (!this._stageOf) {
      const stageOf = new Map<Instruction, Stage>();
      for (const stage of this.stages) {
        stageOf.set(stage.from, stage);
        for (const i of stage.instructions) stageOf.set(i, stage);
      }
      this._stageOf = stageOf;
    }
    return this._stageOf.get(at);
  }

  private _byKind: KindIndex | undefined;

  /**
   * The instructions of one kind in file order (ONBUILD triggers not included); only those of
   * `stage` when given. Indexed once per file: rules that scanned every instruction for their
   * kind read `kind` from objects of many shapes, a megamorphic property load per instruction
   * and rule (5% of lint time).
   */
  ofKind<K extends InstructionKind>(kind: K, stage?: Stage): readonly Extract<Instruction, { kind: K }>[] {
    let index: KindIndex;
    if (stage === undefined) index = this._byKind ??= indexByKind(this.dockerfile.instructions);
    else {
      // Kept on the stage (made by buildStages with the field: one shape), not in a Map by stage.
      const holder = stage as StageWithIndex;
      index = holder.byKind ??= indexByKind(stage.instructions);
    }
    return (index[kindId(kind)] ?? NONE) as readonly Extract<Instruction, { kind: K }>[];
  }

  private _memo: Map<symbol, unknown> | undefined;

  /**
   * Per-file data shared between rules (RUN scripts, command indexes), made on first use. Kept
   * on the context rather than in module-level WeakMaps keyed by it: V8's young-generation GC
   * keeps WeakMap values alive, which promotes every file's data to the old generation.
   */
  memo<T>(key: symbol, make: () => T): T {
    const memo = (this._memo ??= new Map());
    const hit = memo.get(key);
    if (hit !== undefined || memo.has(key)) return hit as T;
    const value = make();
    memo.set(key, value);
    return value;
  }

  /** Records a finding. Severity, suppression and merging are applied afterwards by `lint()`. */
  report(meta: RuleMeta, range: SourceRange, message: string, fix?: Fix): void {
    this.findings.push(fix ? { ruleId: meta.id, ids: [meta.id], severity: meta.severity, message, range, fix } : { ruleId: meta.id, ids: [meta.id], severity: meta.severity, message, range });
  }

  /** A range from offsets of the original text. */
  range(start: number, end: number): SourceRange {
    return this.lines.range(start, end);
  }

  // ------------------------------------------------------------------ resolution

  /**
   * The variables an instruction sees (before its own effect). FROM lines and instructions before
   * the first FROM see the global scope. Undefined for instructions not in the file's list (ONBUILD
   * triggers run in another build).
   */
  scope(at: Instruction): Scope | undefined {
    // Every instruction of the file is in the map once the scopes are made (all at once: nearly
    // every file needs them for every stage): one lookup per resolve(). Reading `at.kind` is a
    // megamorphic load (instructions have many shapes): only on a miss.
    if (!this._allScopes) this.allScopes();
    const hit = this._scopes.get(at);
    if (hit) return hit;
    // Not in the file's list: an ONBUILD trigger (runs in another build); a FROM one would see
    // the global scope.
    return at.kind === "FROM" ? this._finalGlobal : undefined;
  }

  private _allScopes = false;

  /** The scope of every instruction: globals and FROMs see the global scopes, the others their stage's. */
  private allScopes(): void {
    this._allScopes = true;
    this.globalScopes();
    for (const [i, scope] of this._globalScopes!) this._scopes.set(i, scope);
    for (const stage of this.stages) {
      this._scopes.set(stage.from, this._finalGlobal!);
      this.stageScopes(stage);
    }
  }

  /** The scope at the end of a stage (what a child stage inherits the ENV of). */
  stageEndScope(stage: Stage): Scope {
    this.stageScopes(stage);
    return this._stageEnd.get(stage)!;
  }

  /**
   * Expands a word as BuildKit would at `at`, or undefined when the result depends on a value
   * that is not known statically, or the word does not expand (a syntax error).
   */
  resolve(word: string | Word, at: Instruction): string | undefined {
    const scope = this.scope(at);
    if (!scope) return undefined;
    return resolveIn(typeof word === "string" ? word : word.text, scope, this.dockerfile.escapeChar);
  }

  /** processWordWithMatches against the known values at `at` (undefined on expansion errors). */
  expand(word: string | Word, at: Instruction): (Expansion & { scope: Scope }) | undefined {
    const scope = this.scope(at);
    if (!scope) return undefined;
    try {
      const e = processWordWithMatches(typeof word === "string" ? word : word.text, scope.knownValues(), { escapeChar: this.dockerfile.escapeChar });
      return { value: e.value, matched: e.matched, unmatched: e.unmatched, scope };
    } catch {
      return undefined;
    }
  }

  private buildStages(): void {
    const stages: Stage[] = [];
    const globals: Instruction[] = [];
    const byName = new Map<string, Stage>();
    let current: { index: number; from: FromInstruction; instructions: Instruction[] } | null = null;
    const finish = () => {
      if (!current) return;
      const from = current.from;
      const name = from.stageName ? from.stageName.text.toLowerCase() : null;
      const base = from.image ? this.resolveGlobal(from.image.text) : undefined;
      const parent = base !== undefined ? byName.get(base.toLowerCase()) : undefined;
      // `byKind`: ofKind's index of the stage, made on first use.
      const stage: StageWithIndex = { index: current.index, from, name, instructions: current.instructions, base, parent, byKind: undefined };
      stages.push(stage);
      if (name !== null && !byName.has(name)) byName.set(name, stage);
    };
    this._stages = stages;
    this._globalArgs = globals;
    for (const instruction of this.dockerfile.instructions) {
      if (instruction.kind === "FROM") {
        finish();
        current = { index: stages.length, from: instruction, instructions: [] };
      } else if (current) current.instructions.push(instruction);
      else globals.push(instruction);
    }
    finish();
  }

  private resolveGlobal(word: string): string | undefined {
    this.globalScopes();
    return resolveIn(word, this._finalGlobal!, this.dockerfile.escapeChar);
  }

  private globalScopes(): void {
    if (this._globalScopes) return;
    const scopes = new Map<Instruction, Scope>();
    const args = new Map<string, Binding>();
    for (const [k, v] of this.predefined) args.set(k, { value: v, source: "predefined", at: null });
    let scope = new Scope(new Map(), args, true);
    // The globals are the instructions before the first FROM (not this.globalArgs: that needs
    // stages, which need the global scope to resolve base images).
    for (const instruction of this.dockerfile.instructions) {
      if (instruction.kind === "FROM") break;
      scopes.set(instruction, scope);
      if (instruction.kind === "ARG") scope = this.applyArg(scope, instruction, null);
    }
    this._globalScopes = scopes;
    this._finalGlobal = scope;
  }

  private applyArg(scope: Scope, instruction: Extract<Instruction, { kind: "ARG" }>, global: Scope | null): Scope {
    const args = new Map(scope.args);
    for (const def of instruction.args) {
      let b: Binding;
      const given = Object.hasOwn(this.buildArgs, def.name) ? this.buildArgs[def.name] : undefined;
      if (given !== undefined) b = { value: given, source: "build-arg", at: instruction };
      else if (def.defaultValue !== null) {
        const tmp = new Scope(scope.env, args, scope.closed);
        b = { value: resolveIn(def.defaultValue, tmp, this.dockerfile.escapeChar), source: "arg", at: instruction };
      } else if (global) {
        // `ARG NAME` in a stage takes the global ARG's value, or a predefined one.
        const g = global.args.get(def.name);
        b = { value: g?.value, source: g?.source === "predefined" ? "predefined" : "arg", at: instruction };
      } else {
        b = { value: undefined, source: "arg", at: instruction };
      }
      args.set(def.name, b);
    }
    return new Scope(scope.env, args, scope.closed);
  }

  private stageScopes(stage: Stage): void {
    if (this._stageEnd.has(stage)) return;
    this.globalScopes();
    let env: Map<string, Binding>;
    let closed: boolean;
    if (stage.parent && stage.parent.index < stage.index) {
      const end = this.stageEndScope(stage.parent);
      env = new Map(end.env);
      closed = end.closed;
    } else if (stage.base !== undefined && stage.base.toLowerCase() === "scratch") {
      env = new Map([["PATH", { value: DEFAULT_PATH, source: "env", at: null }]]);
      closed = true;
    } else {
      // An external image (or one we cannot resolve): its ENV is unknown; PATH surely exists.
      env = new Map([["PATH", { value: undefined, source: "env", at: null }]]);
      closed = false;
    }
    let scope = new Scope(env, new Map(), closed);
    for (const instruction of stage.instructions) {
      this._scopes.set(instruction, scope);
      if (instruction.kind === "ARG") scope = this.applyArg(scope, instruction, this._finalGlobal!);
      else if (instruction.kind === "ENV") {
        const next = new Map(scope.env);
        for (const pair of instruction.pairs) {
          const key = resolveIn(pair.key, scope, this.dockerfile.escapeChar) ?? pair.key;
          next.set(key, { value: resolveIn(pair.value, scope, this.dockerfile.escapeChar), source: "env", at: instruction });
        }
        scope = new Scope(next, scope.args, scope.closed);
      }
    }
    this._stageEnd.set(stage, scope);
  }
}

const NONE: readonly Instruction[] = [];

/** Instructions by kindId (a list per kind present, in file order). */
type KindIndex = (Instruction[] | undefined)[];

/** A Stage as buildStages makes it: with room for its instructions by kind. */
type StageWithIndex = Stage & { byKind?: KindIndex | undefined };

/**
 * A small number per instruction kind, most frequent first. The kinds are string constants (so
 * each test is a pointer comparison): cheaper than a Map lookup by kind, ofKind's hot path.
 */
function kindId(kind: InstructionKind): number {
  switch (kind) {
    case "RUN": return 0;
    case "COPY": return 1;
    case "ENV": return 2;
    case "ARG": return 3;
    case "FROM": return 4;
    case "WORKDIR": return 5;
    case "LABEL": return 6;
    case "USER": return 7;
    case "EXPOSE": return 8;
    case "ADD": return 9;
    case "CMD": return 10;
    case "VOLUME": return 11;
    case "HEALTHCHECK": return 12;
    case "ENTRYPOINT": return 13;
    case "SHELL": return 14;
    case "ONBUILD": return 15;
    case "STOPSIGNAL": return 16;
    case "MAINTAINER": return 17;
  }
}

function indexByKind(instructions: readonly Instruction[]): KindIndex {
  const index: KindIndex = [];
  for (const i of instructions) {
    const id = kindId(i.kind);
    const list = index[id];
    if (list) list.push(i);
    else index[id] = [i];
  }
  return index;
}

/** Expands `word` in `scope`; undefined when a referenced variable's value is not known. */
export function resolveIn(word: string, scope: Scope, escapeChar: "\\" | "`"): string | undefined {
  // Most words have nothing to expand, unquote or unescape: they are their own value (cheaper
  // than hashing the word for the memo).
  if (isPlainWord(word, escapeChar === "`" ? BACKTICK_ESCAPE : undefined)) return word;
  const memo = scope.resolvedMemo(escapeChar);
  const hit = memo.get(word);
  if (hit !== undefined || memo.has(word)) return hit;
  const value = resolveUncached(word, scope, escapeChar);
  memo.set(word, value);
  return value;
}

const BACKTICK_ESCAPE = { escapeChar: "`" } as const;

function resolveUncached(word: string, scope: Scope, escapeChar: "\\" | "`"): string | undefined {
  let e: Expansion;
  try {
    e = processWordWithMatches(word, scope.knownValues(), { escapeChar });
  } catch {
    return undefined;
  }
  for (const name of e.unmatched) {
    if (scope.get(name) !== undefined || !scope.closed) return undefined;
  }
  return e.value;
}
