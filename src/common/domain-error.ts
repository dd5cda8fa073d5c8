// The engine's errors: each feature has its own error class with a code
// enum (CallError / CallErrorCode, LifecycleError / LifecycleErrorCode, …)
// and the exact message of the contract. Nothing below the HTTP layer knows
// a status code: each API surface maps codes to its own envelope in one
// exhaustive table (src/http/error-statuses.ts for CCAI's `{message}` and
// HTTP status; the vendor facades will add theirs).
export abstract class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

type Message = string | ((...args: never[]) => string);
type ArgsOf<M> = M extends (...args: infer A) => string ? A : [];

// A feature's error factory, keyed like its messages table: the message is
// always the one the table names for the code, so the two cannot disagree.
//   const callError = errorFactory(CallError, CallErrorCode, CallMessages);
//   throw callError('menuNotFound', '42');
export function errorFactory<Code extends string, E extends DomainError<Code>, M extends Record<string, Message>>(
  ErrorClass: new (code: Code, message: string) => E,
  codes: { readonly [K in keyof M]: Code },
  messages: M,
): <K extends keyof M & string>(key: K, ...args: ArgsOf<M[K]>) => E {
  return (key, ...args) => {
    const message = messages[key];
    return new ErrorClass(codes[key], typeof message === 'function' ? (message as (...a: unknown[]) => string)(...args) : message);
  };
}

// The end of an exhaustive switch: a code without a case does not compile.
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
