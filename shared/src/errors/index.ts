export * from "./billing-errors.ts";
export * from "./masque-error.ts";
export * from "./request-errors.ts";
export * from "./upstream-errors.ts";
