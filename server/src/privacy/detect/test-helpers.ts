import type { PiiType } from "@masque/shared";
import type { PiiSpan } from "./pii-span.ts";

/** `TYPE:value` for each span, in order: compact to assert on in tests. */
export function found(spans: readonly PiiSpan[], type?: PiiType): string[] {
  return spans.filter((s) => type === undefined || s.type === type).map((s) => `${s.type}:${s.value}`);
}

/** The values of the spans of one type. */
export function values(spans: readonly PiiSpan[], type: PiiType): string[] {
  return spans.filter((s) => s.type === type).map((s) => s.value);
}
