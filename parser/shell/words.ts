import { isSpaceCode } from "./chars.js";

/**
 * Collects the fields of `processWords`: text that came from unquoted source characters or
 * from `$` expansions is split on white space; text from quotes and escaped characters is kept
 * whole. Empty fields are dropped, so `a "" b` gives `["a", "b"]` (as in BuildKit, unlike sh).
 */
export class WordSplitter {
  private readonly words: string[] = [];
  private current = "";

  /** Quoted or escaped text: never split. */
  addRaw(text: string): void {
    this.current += text;
  }

  /** Unquoted text or an expansion's value: white space ends the current field. */
  addSplittable(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      if (!isSpaceCode(text.charCodeAt(i))) continue;
      if (i > start) this.current += text.slice(start, i);
      if (this.current !== "") {
        this.words.push(this.current);
        this.current = "";
      }
      start = i + 1;
    }
    if (start < text.length) this.current += start === 0 ? text : text.slice(start);
  }

  /** The fields, the last one included. */
  finish(): string[] {
    if (this.current !== "") {
      this.words.push(this.current);
      this.current = "";
    }
    return this.words;
  }
}
