// Fixture for test/architecture/knip.test.ts: the entry uses `used` but nothing uses `unusedHelper`.
import { used } from "./helpers.ts";

export const answer = used();
