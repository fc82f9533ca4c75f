import { quietAuthErrors } from "@/__tests__/kit/attacker";
import { openFreshDatabase, watchUnhandledRejections } from "./fuzz-kit";

// The frame of an in-process fuzzing suite: a database of its own (call it
// at the top of the test file, before anything opens the database),
// next-auth's refusals kept out of the output, time for the runs, and no
// unhandled rejection left behind at the end. `jest.mock("next/headers")`
// stays in the test file, where jest hoists it.
export function fuzzingSuite(name: string): void {
  openFreshDatabase(name);
  quietAuthErrors();
  const unhandledRejections = watchUnhandledRejections();
  jest.setTimeout(120_000);
  afterAll(() => {
    expect(unhandledRejections()).toEqual([]);
  });
}
