export * from "./diem-curve.ts";
export * from "./emission-schedule.ts";
export * from "./token-api.ts";
