/** The configuration file or object is not what the emulator understands. */
export class EmulatorConfigError extends Error {
  override readonly name = 'EmulatorConfigError';
  readonly code = 'EMULATOR_CONFIG_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The emulator was asked to do something unsafe or impossible (e.g. bind a public interface unasked). */
export class EmulatorOptionsError extends Error {
  override readonly name = 'EmulatorOptionsError';
  readonly code = 'EMULATOR_OPTIONS_INVALID';
}
