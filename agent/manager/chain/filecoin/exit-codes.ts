// Message receipt exit codes (fvm_shared error::ExitCode): system codes 1-15, actor ("user") codes from 16.
export const ExitCode = {
  Ok: 0,
  SysErrSenderInvalid: 1,
  SysErrSenderStateInvalid: 2,
  SysErrIllegalInstruction: 4,
  SysErrInvalidReceiver: 5,
  SysErrInsufficientFunds: 6,
  SysErrOutOfGas: 7,
  SysErrForbidden: 8,
  SysErrIllegalActor: 9,
  SysErrIllegalArgument: 10,
  ErrIllegalArgument: 16,
  ErrNotFound: 17,
  ErrForbidden: 18,
  ErrInsufficientFunds: 19,
  ErrIllegalState: 20,
  ErrSerialization: 21,
  ErrUnhandledMessage: 22,
  ErrUnspecified: 23,
  ErrAssertionFailed: 24,
  ErrReadOnly: 25,
  ErrNotPayable: 26,
} as const;

export function exitCodeName(code: number): string {
  const name = (Object.keys(ExitCode) as (keyof typeof ExitCode)[]).find((k) => ExitCode[k] === code);
  return name === undefined ? `exit ${code}` : `exit ${code} (${name})`;
}

/** Exit codes that a later, identical message can pass: money arrives, gas is estimated again. */
export function isRetryableExitCode(code: number): boolean {
  return (
    code === ExitCode.SysErrInsufficientFunds ||
    code === ExitCode.SysErrOutOfGas ||
    code === ExitCode.ErrInsufficientFunds
  );
}
