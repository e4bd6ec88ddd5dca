/** MAINTAINER name: sets the image author (not expanded). History `MAINTAINER name`. */
import type { MaintainerInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { rangeOf, result, type Handler } from "./types.js";

export const handleMaintainer: Handler<MaintainerInstruction> = (state, instruction, ctx) =>
  result({ ...state, author: instruction.name }, [
    { kind: "config", instruction: "MAINTAINER", range: rangeOf(instruction, ctx), history: history(`MAINTAINER ${instruction.name}`, false) },
  ]);
