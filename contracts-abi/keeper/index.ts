export {
  type PrepareBuybackBatchOptions,
  type PrepareBuybackBatchResult,
  prepareBuybackBatch,
} from "./prepare-buyback-batch.ts";
export { type BuybackReceipt, buildReceiptsTree, type ReceiptsTree, receiptLeaf } from "./receipts-tree.ts";
