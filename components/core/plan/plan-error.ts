/** A class that cannot run the requested role at the requested size; the message gives the numbers. */
export class PlanError extends Error {
  override readonly name = "PlanError";
}
