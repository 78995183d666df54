export * from "./billing/tiers.ts";
export * from "./errors/index.ts";
export * from "./models/model-spec.ts";
export * from "./models/privacy-class.ts";
export * from "./privacy/placeholder-format.ts";
export * from "./schemas/chat-completion-request.ts";
export * from "./schemas/issue-path.ts";
export * from "./token/index.ts";
