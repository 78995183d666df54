import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import type { TransactionReceipt } from "viem";
import { useConfig } from "wagmi";
import { runWriteSteps, type WriteState, type WriteStep } from "./contract-write.ts";

/**
 * Runs wallet writes for one control and holds their state for display. After
 * a confirmed write every query is refetched (balances, stake, the account),
 * so the page shows what changed.
 */
export function useContractWrite() {
  const config = useConfig();
  const queryClient = useQueryClient();
  const [state, setState] = useState<WriteState>({ status: "idle" });
  const running = useRef(false);
  const run = useCallback(
    async (steps: WriteStep[] | (() => Promise<WriteStep[]>)): Promise<TransactionReceipt | undefined> => {
      if (running.current) return undefined;
      running.current = true;
      try {
        const list = typeof steps === "function" ? await steps() : steps;
        const receipt = await runWriteSteps(config, list, setState);
        await queryClient.invalidateQueries();
        return receipt;
      } catch (error) {
        setState({
          status: "failed",
          label: "",
          reason: error instanceof Error ? error.message : String(error),
        });
        return undefined;
      } finally {
        running.current = false;
      }
    },
    [config, queryClient],
  );
  const busy = state.status === "preparing" || state.status === "wallet" || state.status === "pending";
  return { state, run, busy, reset: () => setState({ status: "idle" }) };
}
