import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type ChatHistoryItem,
  getLlama,
  type Llama,
  LlamaChat,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
} from "node-llama-cpp";

/** A GGUF file the node can serve, named by its file name without `.gguf`. */
export interface LocalModelInfo {
  id: string;
  file: string;
  sizeBytes: number;
}

export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  signal: AbortSignal;
  onText: (text: string) => void;
}

export interface GenerateResult {
  promptTokens: number;
  completionTokens: number;
  finishReason: "stop" | "length";
}

/** Threads per model: tiny models run far faster on one thread than on many. */
function threadsFor(sizeBytes: number, configured: number | undefined): number {
  if (configured) return configured;
  return sizeBytes < 100 * 1024 * 1024 ? 1 : Math.max(1, Math.min(4, os.availableParallelism()));
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  free: LlamaContextSequence[];
  waiting: Array<(s: LlamaContextSequence) => void>;
}

const SEQUENCES_PER_MODEL = 2;

/**
 * Runs GGUF models on the CPU with llama.cpp. Models load on first use and
 * stay loaded; each holds a small pool of context sequences so a couple of
 * requests generate at once and the rest queue.
 */
export class LlamaRuntime {
  private llama: Promise<Llama> | undefined;
  private readonly loaded = new Map<string, Promise<Loaded>>();

  constructor(
    private readonly modelsDir: string,
    private readonly threads?: number,
  ) {}

  /** The `.gguf` files in the models directory now. */
  listModels(): LocalModelInfo[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.modelsDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.toLowerCase().endsWith(".gguf") && !n.endsWith(".part"))
      .sort()
      .map((n) => {
        const file = path.join(this.modelsDir, n);
        return { id: n.slice(0, -".gguf".length), file, sizeBytes: fs.statSync(file).size };
      });
  }

  /** The context length a model was trained with (loads the model). */
  async contextLength(id: string): Promise<number> {
    return (await this.load(id)).model.trainContextSize;
  }

  /**
   * Generates a reply to an OpenAI-style conversation with the model's own
   * chat template, streaming text through `onText` as tokens arrive.
   */
  async generate(id: string, history: ChatHistoryItem[], options: GenerateOptions): Promise<GenerateResult> {
    const loaded = await this.load(id);
    const sequence = await this.acquire(loaded);
    const chat = new LlamaChat({ contextSequence: sequence });
    try {
      const fullHistory: ChatHistoryItem[] = [...history, { type: "model", response: [] }];
      const { contextText } = chat.chatWrapper.generateContextState({ chatHistory: fullHistory });
      const promptTokens = contextText.tokenize(loaded.model.tokenizer).length;
      let completionTokens = 0;
      const result = await chat.generateResponse(fullHistory, {
        // Without a limit a small model can ramble on indefinitely: stop at the context's end.
        maxTokens: options.maxTokens ?? Math.max(1, loaded.context.contextSize - promptTokens),
        temperature: options.temperature,
        topP: options.topP,
        seed: options.seed,
        customStopTriggers: options.stop?.length ? options.stop : undefined,
        signal: options.signal,
        stopOnAbortSignal: true,
        onTextChunk: options.onText,
        onToken: (tokens) => {
          completionTokens += tokens.length;
        },
      });
      return {
        promptTokens,
        completionTokens,
        finishReason: result.metadata.stopReason === "maxTokens" ? "length" : "stop",
      };
    } finally {
      chat.dispose({ disposeSequence: false });
      await sequence.clearHistory();
      this.release(loaded, sequence);
    }
  }

  async dispose(): Promise<void> {
    const llama = await this.llama;
    await llama?.dispose();
  }

  private load(id: string): Promise<Loaded> {
    let loading = this.loaded.get(id);
    if (!loading) {
      const info = this.listModels().find((m) => m.id === id);
      if (!info) throw new Error(`no model '${id}'`);
      loading = (async () => {
        this.llama ??= getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
        const llama = await this.llama;
        const model = await llama.loadModel({ modelPath: info.file });
        const context = await model.createContext({
          sequences: SEQUENCES_PER_MODEL,
          contextSize: { max: 8192 },
          threads: threadsFor(info.sizeBytes, this.threads),
        });
        const free = Array.from({ length: SEQUENCES_PER_MODEL }, () => context.getSequence());
        return { model, context, free, waiting: [] };
      })();
      loading.catch(() => this.loaded.delete(id));
      this.loaded.set(id, loading);
    }
    return loading;
  }

  private acquire(loaded: Loaded): Promise<LlamaContextSequence> {
    const sequence = loaded.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve) => loaded.waiting.push(resolve));
  }

  private release(loaded: Loaded, sequence: LlamaContextSequence): void {
    const next = loaded.waiting.shift();
    if (next) next(sequence);
    else loaded.free.push(sequence);
  }
}
