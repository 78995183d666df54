/** Today's DIEM credit for an account, as read from the chain. */
export interface DiemCredit {
  /** Credit in micro-USD for the current UTC day. */
  micro: number;
  /** True when the chain could not be read and this is today's last known value. */
  stale: boolean;
  /** The block the stake was read at, when read. */
  block?: bigint;
}

/** Where DIEM credit comes from: the DIEM contract's staked balances of the account's wallets. */
export interface DiemCreditSource {
  creditFor(accountId: string, now: Date): Promise<DiemCredit>;
}

/** No chain configured: nobody has DIEM credit. */
export const noDiemCredit: DiemCreditSource = {
  creditFor: async () => ({ micro: 0, stale: false }),
};
