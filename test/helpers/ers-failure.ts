// The e-RS client's failure, as tests assert it: the promise must reject, and with an ErsError.
import { expect } from 'vitest';
import { ErsError } from '../../utils/ers/errors';

/** Awaits `promise`, asserts it rejected with an ErsError and returns that error for further checks. */
export async function ersFailure(promise: Promise<unknown>): Promise<ErsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErsError);
  return error as ErsError;
}
