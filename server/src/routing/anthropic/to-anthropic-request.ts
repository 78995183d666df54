import { InvalidRequestError } from "@masque/shared";
import type { UpstreamChatBody, UpstreamMessage } from "../../privacy/strip-identity.ts";

/** Anthropic requires `max_tokens`; this is used when the client gave none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

type Block = Record<string, unknown> & { type: string };
interface AnthropicMessage {
  role: "user" | "assistant";
  content: Block[];
}

/**
 * Translates an (identity-free) OpenAI chat body into an Anthropic Messages
 * request: system and developer turns become `system`, tool calls become
 * `tool_use` blocks and tool results `tool_result` blocks, and consecutive
 * turns of one role merge, since Anthropic wants them alternating.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function toAnthropicRequest(body: UpstreamChatBody): Record<string, unknown> {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage["role"], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };

  for (const m of body.messages) {
    switch (m.role) {
      case "system":
      case "developer":
        system.push(textOf(m.content));
        break;
      case "user":
        push("user", contentBlocks(m.content));
        break;
      case "assistant": {
        const blocks = contentBlocks(m.content);
        for (const call of (m.tool_calls as ToolCall[] | undefined) ?? []) {
          blocks.push({
            type: "tool_use",
            id: call.id,
            name: call.function.name,
            input: parseArguments(call),
          });
        }
        push("assistant", blocks);
        break;
      }
      case "tool":
        push("user", [{ type: "tool_result", tool_use_id: m.tool_call_id, content: textOf(m.content) }]);
        break;
      case "function":
        push("user", [{ type: "text", text: textOf(m.content) }]);
        break;
    }
  }

  const out: Record<string, unknown> = {
    model: body.model,
    messages,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
  };
  if (system.length > 0) out.system = system.join("\n\n");
  if (body.stream) out.stream = true;
  // Anthropic's temperature runs 0–1 where OpenAI's runs 0–2.
  if (typeof body.temperature === "number") out.temperature = Math.min(1, body.temperature);
  if (typeof body.top_p === "number") out.top_p = body.top_p;
  if (body.stop !== undefined) out.stop_sequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  const tools = body.tools as
    | Array<{ function: { name: string; description?: string; parameters?: unknown } }>
    | undefined;
  if (tools?.length) {
    out.tools = tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: "object", properties: {} },
    }));
  }
  const choice = toolChoice(body.tool_choice, body.parallel_tool_calls);
  if (choice && tools?.length) out.tool_choice = choice;
  return out;
}

interface ToolCall {
  id: string;
  function: { name: string; arguments: string };
}

function parseArguments(call: ToolCall): unknown {
  try {
    return call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
  } catch {
    throw new InvalidRequestError(`The arguments of tool call '${call.id}' are not valid JSON.`, {
      param: "messages",
    });
  }
}

function toolChoice(choice: unknown, parallel: unknown): Record<string, unknown> | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === "auto" || choice === undefined)
    return parallel === false ? { type: "auto", ...disable } : undefined;
  if (choice === "required") return { type: "any", ...disable };
  if (choice === "none") return { type: "none" };
  const name = (choice as { function?: { name?: string } }).function?.name;
  return name ? { type: "tool", name, ...disable } : undefined;
}

function textOf(content: UpstreamMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p: { type?: string; text?: unknown }) =>
      p.type === "text" && typeof p.text === "string" ? p.text : "",
    )
    .join("");
}

function contentBlocks(content: UpstreamMessage["content"]): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: Block[] = [];
  for (const part of content as Array<Record<string, unknown>>) {
    if (part.type === "text" && typeof part.text === "string") blocks.push({ type: "text", text: part.text });
    else if (part.type === "image_url")
      blocks.push(imageBlock((part.image_url as { url?: string } | undefined)?.url ?? ""));
  }
  return blocks;
}

function imageBlock(url: string): Block {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: "image", source: { type: "base64", media_type: data[1], data: data[2] } };
  return { type: "image", source: { type: "url", url } };
}
