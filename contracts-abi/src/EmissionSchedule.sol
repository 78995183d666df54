// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title EmissionSchedule
/// @notice The fixed, decreasing VVV emission schedule: 6,000,000 VVV in the first month, 5,000,000 in
/// the second, 4,000,000 in the third and 3,000,000 in every month after that. A month is exactly 30 days
/// counted from `start`.
/// @dev Emission accrues linearly inside a month. The schedule is defined by its cumulative function
/// `cumulative(elapsed)` (whole months summed exactly, plus `monthly * secondsIntoMonth / MONTH` rounded
/// down), and every interval is measured as a difference of two cumulative values. This makes the amounts
/// additive to the wei: splitting an interval at any point never creates or loses a wei, and each full
/// month releases exactly its monthly amount. A per-second rate multiplied by elapsed seconds would not
/// have that property (6,000,000e18 / 2,592,000 is not an integer).
/// The TypeScript twin lives in `shared/src/token/emission-schedule.ts`; a test checks that both agree to
/// the wei over the first 24 months.
library EmissionSchedule {
    /// @notice Length of one emission month.
    uint256 internal constant MONTH = 30 days;

    uint256 internal constant MONTH_0 = 6_000_000e18;
    uint256 internal constant MONTH_1 = 5_000_000e18;
    uint256 internal constant MONTH_2 = 4_000_000e18;
    /// @dev Emission of every month from the fourth one on.
    uint256 internal constant TAIL_MONTH = 3_000_000e18;
    /// @dev MONTH_0 + MONTH_1 + MONTH_2, the cumulative emission at the start of the tail.
    uint256 internal constant FIRST_THREE_MONTHS = 15_000_000e18;

    /// @notice Emission of the month with zero-based index `monthIndex`.
    function monthlyEmission(uint256 monthIndex) internal pure returns (uint256) {
        if (monthIndex == 0) return MONTH_0;
        if (monthIndex == 1) return MONTH_1;
        if (monthIndex == 2) return MONTH_2;
        return TAIL_MONTH;
    }

    /// @notice Total emission of all whole months before month `monthIndex`.
    function emissionBeforeMonth(uint256 monthIndex) internal pure returns (uint256) {
        if (monthIndex == 0) return 0;
        if (monthIndex == 1) return MONTH_0;
        if (monthIndex == 2) return MONTH_0 + MONTH_1;
        return FIRST_THREE_MONTHS + (monthIndex - 3) * TAIL_MONTH;
    }

    /// @notice Total emission from `start` up to timestamp `t` (zero before `start`).
    function cumulativeAt(uint256 start, uint256 t) internal pure returns (uint256) {
        if (t <= start) return 0;
        uint256 elapsed = t - start;
        uint256 monthIndex = elapsed / MONTH;
        uint256 intoMonth = elapsed % MONTH;
        return emissionBeforeMonth(monthIndex) + (monthlyEmission(monthIndex) * intoMonth) / MONTH;
    }

    /// @notice Emission released between timestamps `t0` and `t1` (zero when `t1 <= t0`).
    function emittedBetween(uint256 start, uint256 t0, uint256 t1) internal pure returns (uint256) {
        if (t1 <= t0) return 0;
        return cumulativeAt(start, t1) - cumulativeAt(start, t0);
    }

    /// @notice Nominal emission per second at timestamp `t`, rounded down; zero before `start`.
    /// @dev Informational only (UIs, APR estimates). Accounting always uses `emittedBetween`.
    function ratePerSecondAt(uint256 start, uint256 t) internal pure returns (uint256) {
        if (t < start) return 0;
        return monthlyEmission((t - start) / MONTH) / MONTH;
    }
}
