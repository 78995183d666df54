import { describe, expect, it } from "vitest";
import { formatRedactionsHeader } from "./placeholder-vault.ts";
import { redactChatMessages, redactText } from "./redact-chat-request.ts";
import { restoreChatCompletion } from "./restore-chat-completion.ts";

const messages = [
  { role: "system", content: "You assist Amara Okonkwo (amara.o@example.net)." },
  {
    role: "user",
    content: [
      {
        type: "text",
        text: "Email amara.o@example.net and call +44 20 7946 0958 about card 4111 1111 1111 1111.",
      },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
    ],
  },
  {
    role: "assistant",
    content: null,
    tool_calls: [
      {
        id: "call_1",
        type: "function",
        function: {
          name: "send_email",
          arguments: JSON.stringify({
            to: "amara.o@example.net",
            body: "Hi Amara Okonkwo,\nsee you at 12 rue de la Paix, Paris",
          }),
        },
      },
    ],
  },
  { role: "tool", tool_call_id: "call_1", content: "sent to amara.o@example.net" },
  { role: "user", content: "Thanks! Also tell amara okonkwo that the IBAN is GB82WEST12345698765432." },
];

describe("redactChatMessages", () => {
  it("gives one value one placeholder in every message and tool argument", () => {
    const { messages: out, counts } = redactChatMessages(messages);
    const text = JSON.stringify(out);
    for (const value of [
      "amara.o@example.net",
      "Amara Okonkwo",
      "7946 0958",
      "4111 1111",
      "GB82WEST",
      "rue de la Paix",
    ]) {
      expect(text).not.toContain(value);
    }
    expect(out[0]?.content).toBe("You assist [PERSON_1] ([EMAIL_1]).");
    expect(out[3]?.content).toBe("sent to [EMAIL_1]");
    expect(out[4]?.content).toBe("Thanks! Also tell [PERSON_1] that the IBAN is [IBAN_1].");
    const args = JSON.parse((out[2] as (typeof messages)[2]).tool_calls?.[0]?.function.arguments ?? "");
    expect(args.to).toBe("[EMAIL_1]");
    expect(args.body).toContain("Hi [PERSON_1],");
    expect(counts).toEqual({ PERSON: 1, EMAIL: 1, PHONE: 1, CARD: 1, IBAN: 1, ADDRESS: 1 });
    expect(formatRedactionsHeader(counts)).toBe(
      '{"PERSON":1,"EMAIL":1,"PHONE":1,"CARD":1,"IBAN":1,"ADDRESS":1}',
    );
  });

  it("leaves the input untouched and non-text parts as they were", () => {
    const before = JSON.stringify(messages);
    const { messages: out } = redactChatMessages(messages);
    expect(JSON.stringify(messages)).toBe(before);
    const parts = (out[1] as { content: unknown[] }).content;
    expect(parts[1]).toEqual({ type: "image_url", image_url: { url: "https://example.com/cat.png" } });
  });

  it("round-trips tool-call arguments through a model answer as valid JSON", () => {
    const { messages: out, vault } = redactChatMessages(messages);
    const redactedArgs = (out[2] as (typeof messages)[2]).tool_calls?.[0]?.function.arguments ?? "";
    const answer = {
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            tool_calls: [{ function: { arguments: redactedArgs } }],
          },
        },
      ],
    };
    const restored =
      restoreChatCompletion(answer, vault).choices[0]?.message.tool_calls[0]?.function.arguments ?? "";
    expect(JSON.parse(restored)).toEqual(JSON.parse(messages[2]?.tool_calls?.[0]?.function.arguments ?? ""));
  });

  it("can be limited to some types and shares a vault with redactText", () => {
    const { messages: out, vault } = redactChatMessages(messages, { types: new Set(["EMAIL"]) });
    expect(out[4]?.content).toBe(messages[4]?.content);
    expect(redactText("again: amara.o@example.net", vault)).toBe("again: [EMAIL_1]");
  });

  it("never shows values when the result is logged", () => {
    const result = redactChatMessages(messages);
    expect(JSON.stringify({ vault: result.vault, counts: result.counts })).not.toContain("amara");
  });
});
