/**
 * ADD: as COPY from the context, plus http(s) URLs (saved under their last path element, not
 * unpacked unless --unpack=true), git repositories (--keep-git-dir), --checksum (one URL or git
 * source), and local tar archives extracted (unless --unpack=false). The effect's `unpack`
 * is for local archives; URL sources ignore it unless the flag was given as true.
 */
import type { AddInstruction } from "../../parser/ast.js";
import { copyLike } from "./files.js";
import type { Handler } from "./types.js";

export const handleAdd: Handler<AddInstruction> = (state, instruction, ctx) => copyLike(state, instruction, ctx);
