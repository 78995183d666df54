import type { ModelEntry, ModelSpec } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { groupModels, modelChoice, pickModel } from "./model-choice.ts";

const model = (id: string, spec: Partial<ModelSpec>): ModelEntry => ({
  id,
  object: "model",
  created: 0,
  owned_by: "x",
  model_spec: {
    privacy: "local",
    pricing: { input_per_mtok: 0, output_per_mtok: 0 },
    context_length: 2048,
    capabilities: { function_calling: false, vision: false, reasoning: false },
    available: true,
    ...spec,
  },
});

const local = model("tiny", {});
const tee = model("llama-tee", { privacy: "tee", pricing: { input_per_mtok: 0.2, output_per_mtok: 0.6 } });
const teeDown = model("qwen-tee", { privacy: "tee", available: false, unavailable_reason: "quote expired" });
const gpt = model("gpt-4o", { privacy: "anonymized", pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } });

describe("model choice", () => {
  it("an unavailable model cannot be chosen and says why", () => {
    expect(modelChoice(teeDown, "pro")).toEqual({ selectable: false, reason: "quote expired" });
  });

  it("a free plan can choose free models only", () => {
    expect(modelChoice(gpt, "free")).toEqual({
      selectable: false,
      reason: "The Free plan can use free models only.",
    });
    expect(modelChoice(gpt, "pro").selectable).toBe(true);
    expect(modelChoice(local, "free").selectable).toBe(true);
  });

  it("groups by privacy class, strongest first", () => {
    expect(groupModels([local, gpt, tee, teeDown]).map((g) => [g.label, g.models.map((m) => m.id)])).toEqual([
      ["TEE verified", ["llama-tee", "qwen-tee"]],
      ["Anonymized", ["gpt-4o"]],
      ["Local", ["tiny"]],
    ]);
  });

  it("picks the preferred model when usable, else the first usable one", () => {
    const all = [local, gpt, tee, teeDown];
    expect(pickModel(all, "pro", "gpt-4o")?.id).toBe("gpt-4o");
    expect(pickModel(all, "free", "gpt-4o")?.id).toBe("tiny");
    expect(pickModel(all, "pro", "qwen-tee")?.id).toBe("llama-tee");
    expect(pickModel([teeDown], "pro")).toBeUndefined();
  });
});
