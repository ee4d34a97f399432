// Fixture for test/architecture/knip.test.ts.
export const used = (): number => 42;
export const unusedHelper = (): number => 7;
