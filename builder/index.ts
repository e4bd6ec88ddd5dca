/**
 * builder/: planning (stages, ARG scopes, ONBUILD, target), one pure handler per instruction
 * `(state, instruction, ctx) → { state, effects }`, cache-key records, and build-context
 * selection. The executor that applies effects through runtime/ and cache/ comes on top.
 */
export * from "./errors.js";
export * from "./platform.js";
export * from "./args.js";
export * from "./stages.js";
export * from "./plan.js";
export * from "./state.js";
export * from "./effects.js";
export { Expander } from "./expand.js";
export { HANDLERS, applyInstruction } from "./handlers/index.js";
export type { Handler, HandlerContext, HandlerResult, TriggerOrigin } from "./handlers/index.js";
export * from "./dispatch.js";
export * from "./cachekey.js";
export * from "./context.js";
