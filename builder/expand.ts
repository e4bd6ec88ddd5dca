/**
 * Expansion of instruction words with a stage's build env, as BuildKit's dispatch does (each
 * word through ProcessWord with the env of the state before the instruction). Records which
 * variables were used, for cache-key records and --explain-cache, and turns expansion failures
 * into BuildErrors at the instruction.
 */
import type { SourceRange } from "../parser/range.js";
import { processWordWithMatches, processWords, type ShellOptions } from "../parser/shell/index.js";
import { expansionError } from "./args.js";

export class Expander {
  /** Variables looked up that were set, with the values they had. */
  readonly used = new Map<string, string>();

  constructor(
    private readonly env: ReadonlyMap<string, string>,
    private readonly escapeChar: "\\" | "`",
    private readonly range: SourceRange,
    private readonly trigger?: string,
  ) {}

  /** One word, no field splitting. */
  word(text: string, options: Omit<ShellOptions, "escapeChar"> & { escapeChar?: "\\" | "`" } = {}): string {
    try {
      const r = processWordWithMatches(text, this.env, { escapeChar: this.escapeChar, ...options });
      for (const name of r.matched) this.used.set(name, this.env.get(name)!);
      return r.value;
    } catch (e) {
      throw expansionError(e, this.range, this.trigger);
    }
  }

  /** One word split into fields (EXPOSE). */
  words(text: string): string[] {
    // Record the names first (processWords does not report them).
    this.word(text);
    try {
      return processWords(text, this.env, { escapeChar: this.escapeChar });
    } catch (e) {
      throw expansionError(e, this.range, this.trigger);
    }
  }

  /** `used` as a sorted plain record, for cache records. */
  usedRecord(): Record<string, string> {
    return Object.fromEntries([...this.used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
