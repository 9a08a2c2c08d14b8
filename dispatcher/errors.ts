/** One error class per failure of the dispatcher tier. */
export class DispatcherUnavailableError extends Error {
  readonly code = 'DISPATCHER_UNAVAILABLE';
  override name = 'DispatcherUnavailableError';
}
