// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title DiemCurve
/// @notice The DIEM mint curve. The marginal mint rate, in sVVV per DIEM, rises with the DIEM supply `s`:
///
///     rate(s) = BASE_MINT_RATE * (1 + (s / TARGET_SUPPLY)^2)
///
/// with Venice's launch parameters: a base of 90 sVVV per DIEM, power 2 and a target supply of 38,000
/// DIEM (at the target supply the rate has doubled to 180; at twice the target it is 450).
///
/// A mint is priced along the curve, not at the spot rate: minting `d` DIEM at supply `s` costs the
/// integral of the rate over `[s, s + d]`,
///
///     cost(s, d) = BASE * d + BASE * ((s + d)^3 - s^3) / (3 * TARGET_SUPPLY^2),
///
/// so one large mint costs exactly as much as the same amount minted in many small steps, and nobody can
/// buy a large amount at the rate of the first wei. `amountOut(s, x)` is the largest `d` whose cost does
/// not exceed `x` (cost is monotone in `d`).
///
/// @dev Rounding: `cost` rounds up and `amountOut` returns the largest affordable `d`, so the minter
/// never gets more DIEM than the sVVV locked pays for (the locked excess is below the price of one wei of
/// DIEM). All amounts are in wei (18 decimals for both DIEM and sVVV). The TypeScript twin lives in
/// `shared/src/token/diem-curve.ts` and a test checks both agree to the wei.
library DiemCurve {
    /// @notice Mint rate at zero supply, in sVVV per DIEM.
    uint256 internal constant BASE_MINT_RATE = 90;
    /// @notice Supply (in DIEM wei) at which the mint rate has doubled.
    uint256 internal constant TARGET_SUPPLY = 38_000e18;
    /// @notice Upper bound on a single mint, in DIEM wei. It only keeps the arithmetic far from overflow:
    /// minting that much would take more than 1e46 VVV, which can never exist.
    uint256 internal constant MAX_MINT = 1e36;

    uint256 private constant WAD = 1e18;
    /// @dev Bounds the Newton loop. From the start point Newton takes a few steps for any realistic
    /// amount; where the cubic term dominates each step removes at least a third of the excess, so even
    /// from MAX_MINT down to the smallest root takes fewer than 210 steps.
    uint256 private constant MAX_NEWTON_STEPS = 256;

    /// @notice Marginal mint rate at `supply`, in sVVV per DIEM scaled by 1e18, rounded down.
    function mintRate(uint256 supply) internal pure returns (uint256) {
        return BASE_MINT_RATE * WAD
            + Math.mulDiv(BASE_MINT_RATE * WAD, supply * supply, TARGET_SUPPLY * TARGET_SUPPLY);
    }

    /// @notice sVVV needed to mint `diemOut` DIEM when the supply is `supply`, rounded up.
    function mintCost(uint256 supply, uint256 diemOut) internal pure returns (uint256) {
        uint256 after_ = supply + diemOut;
        // (a^3 - b^3) = (a - b) * (a^2 + ab + b^2), with a - b = diemOut.
        uint256 quadratic = after_ * after_ + after_ * supply + supply * supply;
        return BASE_MINT_RATE * diemOut
            + Math.mulDiv(
                BASE_MINT_RATE * diemOut, quadratic, 3 * TARGET_SUPPLY * TARGET_SUPPLY, Math.Rounding.Ceil
            );
    }

    /// @notice The largest amount of DIEM that `sVvvIn` pays for when the supply is `supply`, i.e. the
    /// largest `d` with `mintCost(supply, d) <= sVvvIn`.
    /// @dev Newton's method finds the neighbourhood cheaply; the two loops at the end then establish the
    /// definition exactly (`mintCost(d) <= sVvvIn < mintCost(d + 1)`, cost being monotone), whatever
    /// Newton returned, so correctness never rests on its convergence. Starting from
    /// `sVvvIn / rate(supply)`, which is at or above the answer because the rate only rises, Newton on the
    /// convex cost approaches from above and needs a few steps for realistic amounts; the loops then move
    /// at most a wei or two.
    function amountOut(uint256 supply, uint256 sVvvIn) internal pure returns (uint256 d) {
        d = Math.min(Math.mulDiv(sVvvIn, WAD, mintRate(supply)), MAX_MINT);
        for (uint256 i = 0; i < MAX_NEWTON_STEPS; ++i) {
            uint256 cost = mintCost(supply, d);
            if (cost <= sVvvIn) break;
            // The derivative of the cost at d is the marginal rate at supply + d.
            uint256 step = Math.max(Math.mulDiv(cost - sVvvIn, WAD, mintRate(supply + d)), 1);
            d = d > step ? d - step : 0;
        }
        while (d > 0 && mintCost(supply, d) > sVvvIn) --d;
        while (d < MAX_MINT && mintCost(supply, d + 1) <= sVvvIn) ++d;
    }

    /// @notice sVVV released when `diemBurned` of a position's `diemDebt` is repaid, rounded down.
    /// @dev Repaying the whole debt releases everything, so rounding never strands sVVV.
    function unlockAmount(uint256 lockedSVvv, uint256 diemDebt, uint256 diemBurned)
        internal
        pure
        returns (uint256)
    {
        if (diemBurned == diemDebt) return lockedSVvv;
        return Math.mulDiv(lockedSVvv, diemBurned, diemDebt);
    }
}
