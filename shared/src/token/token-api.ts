import { z } from "zod";

/**
 * The public token API's answers (`/api/token/stats`, `/burns`, `/proof/{receiptId}`), shared so the
 * web app parses exactly what the server sends. Token amounts are decimal strings in base units (VVV,
 * sVVV and DIEM have 18 decimals, USDC 6) because they overflow a JSON number; times are unix seconds.
 */

const units = z.string().regex(/^\d+$/);
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const tokenStatsSchema = z.object({
  chain_id: z.number().int(),
  /** The block the on-chain figures were read at. */
  block_number: z.number().int(),
  /** When the figures were read (they are cached for a few seconds). */
  read_at: z.number().int(),
  vvv: z.object({
    total_supply: units,
    /** Every VVV burned since genesis (transfers to the zero address), as indexed. */
    burned: units,
    /** The part of `burned` burned by buyback batches. */
    burned_by_buybacks: units,
    /** Total supply minus what the treasury holds. */
    circulating: units,
    treasury: units,
  }),
  staking: z.object({
    total_staked: units,
    emission_rate_per_second: units,
    /** When the emission rate next steps down, and to what; null once it is at its floor. */
    next_emission_step: z.object({ at: z.number().int(), rate_per_second: units }).nullable(),
    /** Yearly VVV rewards over VVV staked at the current rate, as a fraction (0.42 = 42%); null with nothing staked. */
    apr: z.number().nullable(),
  }),
  diem: z.object({
    total_supply: units,
    total_staked: units,
    /** sVVV locked per DIEM minted at the current supply (18 decimals). */
    mint_rate: units,
  }),
  buyback: z.object({
    /** USDC held by the BuybackBurner and not yet swapped. */
    unspent_budget_usdc: units,
    /** Card payments' budget not yet deposited on-chain. */
    pending_card_budget_usdc: units,
    total_usdc_spent: units,
    batches: z.number().int(),
    last_batch_at: z.number().int().nullable(),
  }),
});
export type TokenStats = z.infer<typeof tokenStatsSchema>;

export const tokenBurnSchema = z.object({
  batch_id: z.number().int(),
  tx_hash: hex32,
  block_number: z.number().int(),
  timestamp: z.number().int(),
  usdc_in: units,
  vvv_burned: units,
  /** USDC paid per whole VVV. */
  average_price_usdc: z.number(),
  first_receipt_id: z.number().int(),
  receipt_count: z.number().int(),
  receipts_root: hex32,
  /** Whether the block is at least the configured confirmation depth deep. */
  confirmed: z.boolean(),
});
export type TokenBurn = z.infer<typeof tokenBurnSchema>;

/** Newest first; pass `next_cursor` back as `?cursor=` for the next page. */
export const tokenBurnsPageSchema = z.object({
  data: z.array(tokenBurnSchema),
  next_cursor: z.string().nullable(),
});
export type TokenBurnsPage = z.infer<typeof tokenBurnsPageSchema>;

/**
 * The Merkle proof that a buyback receipt was spent by a burn batch. Anyone can check it with
 * `BuybackBurner.verifyReceiptBurned(batch_id, receipt_id, proof)` or recompute the root from `leaf`.
 */
export const receiptProofSchema = z.object({
  receipt_id: z.number().int(),
  amount_usdc: units,
  batch_id: z.number().int(),
  leaf: hex32,
  proof: z.array(hex32),
  receipts_root: hex32,
  tx_hash: hex32,
  block_number: z.number().int(),
  chain_id: z.number().int(),
  buyback_burner: address,
});
export type ReceiptProof = z.infer<typeof receiptProofSchema>;
