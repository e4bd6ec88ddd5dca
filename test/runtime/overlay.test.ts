/** The snapshotter conformance suite (conformance.ts) for the overlay snapshotter. */
import { conformance } from "./conformance.js";

conformance("overlay");
