export * from "./errors/index.ts";
export * from "./privacy/placeholder-format.ts";
