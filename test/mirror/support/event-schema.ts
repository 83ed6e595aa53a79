/**
 * Checks mirror events and the `--json` summary against src/mirror/events.schema.json, the published
 * contract of `betmirror mirror --json`.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

const schema = JSON.parse(readFileSync(new URL('../../../src/mirror/events.schema.json', import.meta.url), 'utf8')) as object;
// date-time is checked by the schema's own pattern; ajv-formats is not a dependency.
const ajv = new Ajv2020({ allErrors: true, discriminator: true, allowUnionTypes: true, formats: { 'date-time': true } });
const validate = ajv.compile(schema);

/** Throws with ajv's errors when `event` (an event or the summary line) does not match the schema. */
export function assertValidEvent(event: unknown): void {
  if (validate(event)) return;
  const errors = (validate.errors ?? []).map((e) => {
    const which = 'additionalProperty' in e.params ? `: ${e.params.additionalProperty}` : 'allowedValues' in e.params ? `: ${JSON.stringify(e.params.allowedValues)}` : '';
    return `event${e.instancePath} ${e.message}${which}`;
  });
  throw new Error(`mirror event does not match src/mirror/events.schema.json: ${errors.join('; ')}\n${JSON.stringify(event)}`);
}

type Report = (error: Error) => void;

/** Fails the running test without throwing; outside a test, leaves the error unhandled (vitest fails the run). */
const failRunningTest: Report = (error) => {
  try {
    expect.soft(() => { throw error; }, 'an emitted mirror event').not.toThrow();
  } catch {
    setImmediate(() => { throw error; });
  }
};

let report: Report = failRunningTest;

/** Routes what `validated` finds elsewhere (the tests of this check); returns the undo. */
export function reportInvalidEventsTo(to: Report): () => void {
  const before = report;
  report = to;
  return () => void (report = before);
}

/**
 * An onEvent that checks each event before handing it on. The engine catches what onEvent throws (a
 * consumer's bug must not stop trading), so a bad event is also reported on the running test.
 */
export function validated<E>(onEvent: (event: E) => void): (event: E) => void {
  return (event) => {
    try {
      assertValidEvent(event);
    } catch (error) {
      report(error as Error);
      throw error;
    }
    onEvent(event);
  };
}
