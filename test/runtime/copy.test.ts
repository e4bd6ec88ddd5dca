/** The snapshotter conformance suite (conformance.ts) for the copy snapshotter. */
import { conformance } from "./conformance.js";

conformance("copy");
