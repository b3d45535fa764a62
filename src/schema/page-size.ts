import { clientError } from "../errors.ts";

/** A page asked for with `first` or `last`; an absent one is the default page size. */
export interface PageSizeArgs {
  first?: unknown;
  last?: unknown;
}

/**
 * The page size a connection's `first` or `last` asks for. Out of range (negative, or over the
 * maximum) is the client's mistake and is refused, naming the maximum: a page silently cut to the
 * maximum would look like the whole list.
 */
export function requestedPageSize(args: PageSizeArgs, page: { defaultSize: number; maxSize: number }): number {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (typeof value !== "number") continue;
    if (value < 0 || value > page.maxSize) {
      const more = name === "first" ? "after: endCursor" : "before: startCursor";
      throw clientError(
        "BAD_USER_INPUT",
        `${name} must be between 0 and ${page.maxSize}, not ${value}: ask for the next page with ${more}`,
        { field: name, maximum: page.maxSize },
      );
    }
    return value;
  }
  return page.defaultSize;
}
