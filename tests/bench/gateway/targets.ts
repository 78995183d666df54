import type http from "node:http";
import type { Target } from "./load.ts";
import { MASQUE_MODEL } from "./processes.ts";

/**
 * The prompt every target gets: a short everyday request with a name and an
 * email address in it, so Masque's redaction has something to replace and its
 * restoration something to put back.
 */
export const BENCH_PROMPT =
  "Hi, I'm Maria Gonzalez and my email is maria.gonzalez@example.com. Please draft a short, friendly " +
  "reply to my landlord explaining that the rent for March will arrive two days late because my bank " +
  "transfer was delayed, and ask whether that is acceptable. Keep it under 100 words and sign it with my name.";

/** In every complete answer: the echoed email, which Masque must have restored from its placeholder. */
const EXPECT = "maria.gonzalez@example.com";

function bodies(model: string): Target["body"] {
  const messages = [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: BENCH_PROMPT },
  ];
  return {
    json: JSON.stringify({ model, messages }),
    stream: JSON.stringify({ model, messages, stream: true, stream_options: { include_usage: true } }),
  };
}

/** The stand-in upstream itself: the baseline every gateway's added latency is measured over. */
export function directTarget(upstreamUrl: string, agent: http.Agent): Target {
  return {
    name: "direct",
    url: `${upstreamUrl}/v1/chat/completions`,
    headers: () => ({ authorization: "Bearer sk-bench-upstream" }),
    body: bodies("echo"),
    expect: EXPECT,
    agent,
  };
}

/** Masque, rotating over its API keys (each key is limited to 500 requests a minute). */
export function masqueTarget(
  masqueUrl: string,
  keys: string[],
  agent: http.Agent,
  model = MASQUE_MODEL,
): Target {
  return {
    name: "masque",
    url: `${masqueUrl}/v1/chat/completions`,
    headers: (i) => ({ authorization: `Bearer ${keys[i % keys.length]}` }),
    body: bodies(model),
    expect: EXPECT,
    agent,
  };
}

/** Portkey, told to use its OpenAI provider at the stand-in's address. */
export function portkeyTarget(portkeyUrl: string, upstreamUrl: string, agent: http.Agent): Target {
  return {
    name: "portkey",
    url: `${portkeyUrl}/v1/chat/completions`,
    headers: () => ({
      authorization: "Bearer sk-bench-upstream",
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${upstreamUrl}/v1`,
    }),
    body: bodies("echo"),
    expect: EXPECT,
    agent,
  };
}

/** A target's request bodies for another upstream model (e.g. the idle stream). */
export function withModel(target: Target, model: string): Target {
  return { ...target, body: bodies(model) };
}
