/** Typed errors with messages a user can act on; the CLI maps each to an exit code. */
export class GreenlightError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage, config or input file: exit 2. */
export class ConfigError extends GreenlightError {
  override readonly exitCode = 2;
}

export class UsageError extends GreenlightError {
  override readonly exitCode = 2;
}

/** Malformed input file (report, webhook body…): exit 2. */
export class InputError extends GreenlightError {
  override readonly exitCode = 2;
}

/** Evidence does not verify: exit 3. */
export class LedgerIntegrityError extends GreenlightError {
  override readonly exitCode = 3;
}

/** A source could not be reached at all: exit 4. */
export class SourceError extends GreenlightError {
  override readonly exitCode = 4;
}

export const EXIT = { ok: 0, controlsFailed: 1, usage: 2, integrity: 3, sourceUnreachable: 4 } as const;
