// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IUniswapV2Pair} from "./interfaces/IUniswapV2Pair.sol";
import {VVV} from "./VVV.sol";

/// @title BuybackBurner
/// @notice Holds the USDC set aside by subscriptions (and card payments) and, in keeper-triggered
/// batches, swaps it for VVV on the VVV/USDC Uniswap V2 pair and burns every VVV bought.
///
/// @dev Budget ledger. Every funding is a numbered receipt (1, 2, 3, ...) and the contract stores the
/// running total of the budget after each receipt. A batch spends the next `receiptCount` unspent
/// receipts in order, and `usdcIn` must equal exactly their total, which the running totals give in O(1):
/// the keeper cannot spend more, less or other money than the receipts it names. The keeper also commits
/// to the batch's receipts with `receiptsRoot`, the root of a Merkle tree whose leaves are
/// `keccak256(bytes.concat(keccak256(abi.encode(receiptId, buybackAmount))))` (OpenZeppelin's
/// double-hashed leaf with sorted-pair hashing, as checked by `MerkleProof`). The root itself is not
/// recomputed on-chain (that would cost gas per receipt); `verifyReceiptBurned` lets anyone check a
/// receipt against it, with the amount taken from the ledger, not from the prover.
///
/// Price protection. A keeper's `minVvvOut` must be at least `(1 - maxDeviationBps)` of what `usdcIn`
/// buys at the pair's time-weighted average price since the last observation (Uniswap V2 cumulative
/// prices, as in Maker's flapper and Uniswap's ExampleOracleSimple). The window must be at least
/// `minTwapWindow` long, and a new window starts at every batch, so a compromised keeper cannot sell at
/// any price: it would have to hold the pool price off for the whole window, against arbitrage. Batches
/// are also rate-limited by `minBatchInterval`. The swap itself reverts if the pool pays less than
/// `minVvvOut`, so a front-running trade makes the batch revert instead of filling at a worse price.
/// Since the TWAP quote ignores the batch's own price impact and the pool's 0.3% fee, the bound also caps
/// those at `maxDeviationBps`: the keeper sizes batches (by `receiptCount`) to the pool's depth, and a
/// single card deposit should not be larger than the pool can absorb within that bound.
///
/// Nothing but `executeBuyback` moves USDC out of this contract: there is no admin withdrawal.
contract BuybackBurner is AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice May execute buyback batches and refresh the price observation.
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");
    /// @notice May record fundings (the subscriptions contract).
    bytes32 public constant FUNDER_ROLE = keccak256("FUNDER_ROLE");

    /// @notice Bounds the admin must respect when tuning the buyback.
    uint256 public constant MIN_BATCH_INTERVAL_FLOOR = 10 minutes;
    uint256 public constant MAX_BATCH_INTERVAL = 30 days;
    uint256 public constant MIN_TWAP_WINDOW_FLOOR = 5 minutes;
    uint256 public constant MAX_TWAP_WINDOW = 7 days;
    uint256 public constant MAX_DEVIATION_BPS_CAP = 2_000;

    uint256 private constant BPS = 10_000;
    uint256 private constant Q112 = 2 ** 112;

    /// @notice The token the budget is held in.
    IERC20 public immutable USDC;
    /// @notice The token bought and burned.
    VVV public immutable VVV_TOKEN;
    /// @notice The VVV/USDC Uniswap V2 pair used for swaps and as the price reference.
    IUniswapV2Pair public immutable PAIR;
    /// @notice Whether USDC is the pair's token0 (then VVV per USDC is the pair's price0).
    bool public immutable USDC_IS_TOKEN0;

    /// @notice Number of receipts recorded so far (the last receipt id).
    uint256 public receiptCount;
    /// @notice Number of receipts spent by batches so far (receipts are spent in order).
    uint256 public receiptsSpent;
    /// @notice USDC funded and not yet spent.
    uint256 public unspentBudget;
    /// @dev Running total of all fundings up to and including each receipt id (id 0 is zero).
    mapping(uint256 receiptId => uint256) private _cumulativeBudget;

    /// @notice One executed batch.
    struct Batch {
        bytes32 receiptsRoot;
        uint64 firstReceiptId;
        uint64 receiptCount;
        uint64 executedAt;
    }

    /// @notice Number of batches executed (the last batch id).
    uint256 public batchCount;
    /// @notice Executed batches by id.
    mapping(uint256 batchId => Batch) public batches;
    /// @notice USDC swapped by all batches.
    uint256 public totalUsdcSpent;
    /// @notice VVV burned by all batches.
    uint256 public totalVvvBurned;
    /// @notice Timestamp of the last batch (zero before the first).
    uint256 public lastBatchAt;

    /// @notice Minimum time between two batches.
    uint256 public minBatchInterval;
    /// @notice Minimum length of the price window a batch is checked against.
    uint256 public minTwapWindow;
    /// @notice How far below the TWAP quote `minVvvOut` may be, in basis points.
    uint256 public maxDeviationBps;

    /// @notice The pair's VVV-per-USDC cumulative price at the start of the current window.
    uint256 public twapCumulative;
    /// @notice Start of the current price window (zero until the pool has liquidity and is observed).
    uint256 public twapTimestamp;

    event FundingRecorded(uint256 indexed receiptId, address indexed funder, uint256 amount, uint256 cumulativeBudget);
    event BuybackBurned(
        uint256 indexed batchId, uint256 usdcIn, uint256 vvvBurned, bytes32 receiptsRoot, uint256 receiptCount
    );
    event BuybackParamsUpdated(uint256 minBatchInterval, uint256 minTwapWindow, uint256 maxDeviationBps);
    event TwapObserved(uint256 priceCumulative, uint256 timestamp);

    error ZeroAddress();
    error ZeroAmount();
    error PairTokenMismatch();
    error InvalidBuybackParams();
    error InsufficientFunding(uint256 balance, uint256 required);
    error DeadlineExpired(uint256 deadline);
    error EmptyReceiptsRoot();
    error NoReceipts();
    error ReceiptsUnavailable(uint256 requested, uint256 available);
    error UsdcInMismatch(uint256 usdcIn, uint256 expected);
    error RateLimited(uint256 nextBatchAt);
    error NoLiquidity();
    error TwapNotInitialized();
    error TwapWindowTooShort(uint256 elapsed, uint256 required);
    error MinOutBelowTwapBound(uint256 minVvvOut, uint256 bound);
    error InsufficientOutput(uint256 amountOut, uint256 minVvvOut);
    error UnknownReceipt(uint256 receiptId);

    /// @param admin Initial default admin.
    /// @param adminDelay Delay of the two-step default admin transfer, in seconds.
    /// @param usdc The budget token.
    /// @param vvv The token to buy and burn.
    /// @param pair The VVV/USDC Uniswap V2 pair.
    /// @param keeper Initial keeper (may be zero and granted later).
    /// @param minBatchInterval_ See `minBatchInterval`.
    /// @param minTwapWindow_ See `minTwapWindow`.
    /// @param maxDeviationBps_ See `maxDeviationBps`.
    constructor(
        address admin,
        uint48 adminDelay,
        IERC20 usdc,
        VVV vvv,
        IUniswapV2Pair pair,
        address keeper,
        uint256 minBatchInterval_,
        uint256 minTwapWindow_,
        uint256 maxDeviationBps_
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (address(usdc) == address(0) || address(vvv) == address(0) || address(pair) == address(0)) {
            revert ZeroAddress();
        }
        address token0 = pair.token0();
        address token1 = pair.token1();
        bool usdcIsToken0 = token0 == address(usdc) && token1 == address(vvv);
        if (!usdcIsToken0 && !(token0 == address(vvv) && token1 == address(usdc))) revert PairTokenMismatch();
        USDC = usdc;
        VVV_TOKEN = vvv;
        PAIR = pair;
        USDC_IS_TOKEN0 = usdcIsToken0;
        _setBuybackParams(minBatchInterval_, minTwapWindow_, maxDeviationBps_);
        if (keeper != address(0)) _grantRole(KEEPER_ROLE, keeper);

        (uint112 reserve0, uint112 reserve1,) = pair.getReserves();
        if (reserve0 != 0 && reserve1 != 0) _observe();
    }

    // ---------------------------------------------------------------- funding

    /// @notice Records `amount` USDC, already transferred to this contract, as the next budget receipt.
    /// @dev Only a funder (the subscriptions contract). Reverts unless the USDC balance covers the whole
    /// unspent budget including this receipt, so every receipt is backed by USDC held here.
    /// @param amount USDC funded.
    /// @return receiptId The new receipt's id.
    function recordFunding(uint256 amount) external onlyRole(FUNDER_ROLE) returns (uint256 receiptId) {
        if (amount == 0) revert ZeroAmount();
        uint256 required = unspentBudget + amount;
        uint256 balance = USDC.balanceOf(address(this));
        if (balance < required) revert InsufficientFunding(balance, required);
        unspentBudget = required;
        receiptId = ++receiptCount;
        uint256 cumulative = _cumulativeBudget[receiptId - 1] + amount;
        _cumulativeBudget[receiptId] = cumulative;
        emit FundingRecorded(receiptId, msg.sender, amount, cumulative);
    }

    // ---------------------------------------------------------------- buyback

    /// @notice Swaps the budget of the next `receiptCount` unspent receipts for VVV and burns all of it.
    /// @param usdcIn USDC to swap; must equal the receipts' total budget.
    /// @param minVvvOut Minimum VVV the swap must return; must clear `minVvvOutBound(usdcIn)`.
    /// @param deadline Latest timestamp at which the batch may execute.
    /// @param receiptsRoot Merkle root of the receipts spent (see the contract notes for the leaf format).
    /// @param receiptCount_ Number of receipts spent, starting at `receiptsSpent + 1`.
    /// @return batchId Id of the batch.
    /// @return vvvBurned VVV bought and burned.
    function executeBuyback(
        uint256 usdcIn,
        uint256 minVvvOut,
        uint256 deadline,
        bytes32 receiptsRoot,
        uint256 receiptCount_
    ) external onlyRole(KEEPER_ROLE) nonReentrant returns (uint256 batchId, uint256 vvvBurned) {
        if (block.timestamp > deadline) revert DeadlineExpired(deadline);
        if (receiptsRoot == bytes32(0)) revert EmptyReceiptsRoot();
        if (receiptCount_ == 0) revert NoReceipts();
        if (lastBatchAt != 0) {
            uint256 nextBatchAt = lastBatchAt + minBatchInterval;
            if (block.timestamp < nextBatchAt) revert RateLimited(nextBatchAt);
        }

        uint256 spent = receiptsSpent;
        uint256 available = receiptCount - spent;
        if (receiptCount_ > available) revert ReceiptsUnavailable(receiptCount_, available);
        uint256 lastReceipt = spent + receiptCount_;
        uint256 expected = _cumulativeBudget[lastReceipt] - _cumulativeBudget[spent];
        if (usdcIn != expected) revert UsdcInMismatch(usdcIn, expected);

        uint256 bound = minVvvOutBound(usdcIn);
        if (minVvvOut < bound) revert MinOutBelowTwapBound(minVvvOut, bound);

        receiptsSpent = lastReceipt;
        unspentBudget -= usdcIn;
        totalUsdcSpent += usdcIn;
        lastBatchAt = block.timestamp;
        batchId = ++batchCount;
        batches[batchId] = Batch({
            receiptsRoot: receiptsRoot,
            firstReceiptId: SafeCast.toUint64(spent + 1),
            receiptCount: SafeCast.toUint64(receiptCount_),
            executedAt: SafeCast.toUint64(block.timestamp)
        });
        // The next batch is measured against a window that starts now (and includes this batch's impact).
        _observe();

        vvvBurned = _swapUsdcForVvv(usdcIn, minVvvOut);
        totalVvvBurned += vvvBurned;
        emit BuybackBurned(batchId, usdcIn, vvvBurned, receiptsRoot, receiptCount_);
        VVV_TOKEN.burn(vvvBurned);
    }

    /// @notice Starts a new price window now. Keeper only; needs a pool with liquidity.
    /// @dev Useful when the last window is so old that its average no longer reflects the market; the
    /// next batch then has to wait `minTwapWindow`.
    function refreshTwapObservation() external onlyRole(KEEPER_ROLE) {
        (uint112 reserve0, uint112 reserve1,) = PAIR.getReserves();
        if (reserve0 == 0 || reserve1 == 0) revert NoLiquidity();
        _observe();
    }

    // ---------------------------------------------------------------- admin

    /// @notice Tunes the rate limit and the price bound, within the hard-coded limits. Default admin only.
    /// @param minBatchInterval_ Minimum time between batches.
    /// @param minTwapWindow_ Minimum price window.
    /// @param maxDeviationBps_ Allowed distance of `minVvvOut` below the TWAP quote, in basis points.
    function setBuybackParams(uint256 minBatchInterval_, uint256 minTwapWindow_, uint256 maxDeviationBps_)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setBuybackParams(minBatchInterval_, minTwapWindow_, maxDeviationBps_);
    }

    // ---------------------------------------------------------------- views

    /// @notice VVV that `usdcIn` buys at the time-weighted average price of the current window, and the
    /// window's length.
    function twapAmountOut(uint256 usdcIn) public view returns (uint256 amountOut, uint256 window) {
        uint256 observedAt = twapTimestamp;
        if (observedAt == 0) revert TwapNotInitialized();
        window = block.timestamp - observedAt;
        if (window == 0) return (0, 0);
        uint256 averagePrice;
        // Cumulative prices wrap around by design in Uniswap V2; the difference is still exact.
        unchecked {
            averagePrice = (_currentPriceCumulative() - twapCumulative) / window;
        }
        amountOut = Math.mulDiv(usdcIn, averagePrice, Q112);
    }

    /// @notice The lowest `minVvvOut` a batch swapping `usdcIn` may use right now.
    /// @dev Reverts while the price window is shorter than `minTwapWindow`.
    function minVvvOutBound(uint256 usdcIn) public view returns (uint256) {
        (uint256 twapOut, uint256 window) = twapAmountOut(usdcIn);
        if (window < minTwapWindow) revert TwapWindowTooShort(window, minTwapWindow);
        return (twapOut * (BPS - maxDeviationBps)) / BPS;
    }

    /// @notice VVV the pool would pay for `usdcIn` right now (spot, after the 0.3% fee).
    function spotAmountOut(uint256 usdcIn) public view returns (uint256) {
        (uint256 reserveUsdc, uint256 reserveVvv) = _reserves();
        return _getAmountOut(usdcIn, reserveUsdc, reserveVvv);
    }

    /// @notice Total budget funded up to and including receipt `receiptId` (zero for id 0).
    function cumulativeBudgetAt(uint256 receiptId) external view returns (uint256) {
        if (receiptId > receiptCount) revert UnknownReceipt(receiptId);
        return _cumulativeBudget[receiptId];
    }

    /// @notice Budget funded by receipt `receiptId`.
    function receiptAmount(uint256 receiptId) public view returns (uint256) {
        if (receiptId == 0 || receiptId > receiptCount) revert UnknownReceipt(receiptId);
        return _cumulativeBudget[receiptId] - _cumulativeBudget[receiptId - 1];
    }

    /// @notice The Merkle leaf of a receipt, as batches commit to it.
    function receiptLeaf(uint256 receiptId, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(receiptId, amount))));
    }

    /// @notice Whether receipt `receiptId` was spent by batch `batchId` and is in the batch's Merkle root.
    /// @param proof Sibling hashes from the leaf up to the root.
    function verifyReceiptBurned(uint256 batchId, uint256 receiptId, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        Batch memory batch = batches[batchId];
        if (batch.receiptCount == 0) return false;
        if (receiptId < batch.firstReceiptId || receiptId >= batch.firstReceiptId + batch.receiptCount) {
            return false;
        }
        return MerkleProof.verify(proof, batch.receiptsRoot, receiptLeaf(receiptId, receiptAmount(receiptId)));
    }

    // ---------------------------------------------------------------- internals

    function _setBuybackParams(uint256 minBatchInterval_, uint256 minTwapWindow_, uint256 maxDeviationBps_)
        private
    {
        if (
            minBatchInterval_ < MIN_BATCH_INTERVAL_FLOOR || minBatchInterval_ > MAX_BATCH_INTERVAL
                || minTwapWindow_ < MIN_TWAP_WINDOW_FLOOR || minTwapWindow_ > MAX_TWAP_WINDOW
                || maxDeviationBps_ > MAX_DEVIATION_BPS_CAP
        ) revert InvalidBuybackParams();
        minBatchInterval = minBatchInterval_;
        minTwapWindow = minTwapWindow_;
        maxDeviationBps = maxDeviationBps_;
        emit BuybackParamsUpdated(minBatchInterval_, minTwapWindow_, maxDeviationBps_);
    }

    function _observe() private {
        uint256 cumulative = _currentPriceCumulative();
        twapCumulative = cumulative;
        twapTimestamp = block.timestamp;
        emit TwapObserved(cumulative, block.timestamp);
    }

    /// @dev The pair's VVV-per-USDC cumulative price as of now, extrapolated from the last reserves when
    /// the pair has not been touched in this block (Uniswap's UniswapV2OracleLibrary.currentCumulativePrices).
    function _currentPriceCumulative() private view returns (uint256 cumulative) {
        cumulative = USDC_IS_TOKEN0 ? PAIR.price0CumulativeLast() : PAIR.price1CumulativeLast();
        (uint112 reserve0, uint112 reserve1, uint32 lastTimestamp) = PAIR.getReserves();
        uint32 nowTimestamp = uint32(block.timestamp);
        if (lastTimestamp != nowTimestamp && reserve0 != 0 && reserve1 != 0) {
            // Same wrapping arithmetic as the pair: 32-bit timestamps, overflowing accumulators.
            unchecked {
                uint256 elapsed = nowTimestamp - lastTimestamp;
                uint256 price = USDC_IS_TOKEN0
                    ? (uint256(reserve1) << 112) / reserve0
                    : (uint256(reserve0) << 112) / reserve1;
                cumulative += price * elapsed;
            }
        }
    }

    function _reserves() private view returns (uint256 reserveUsdc, uint256 reserveVvv) {
        (uint112 reserve0, uint112 reserve1,) = PAIR.getReserves();
        (reserveUsdc, reserveVvv) = USDC_IS_TOKEN0 ? (reserve0, reserve1) : (reserve1, reserve0);
    }

    /// @dev UniswapV2Library.getAmountOut: the pool keeps a 0.3% fee.
    function _getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) private pure returns (uint256) {
        if (reserveIn == 0 || reserveOut == 0) revert NoLiquidity();
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }

    function _swapUsdcForVvv(uint256 usdcIn, uint256 minVvvOut) private returns (uint256 received) {
        (uint256 reserveUsdc, uint256 reserveVvv) = _reserves();
        uint256 amountOut = _getAmountOut(usdcIn, reserveUsdc, reserveVvv);
        if (amountOut < minVvvOut) revert InsufficientOutput(amountOut, minVvvOut);
        uint256 balanceBefore = VVV_TOKEN.balanceOf(address(this));
        USDC.safeTransfer(address(PAIR), usdcIn);
        (uint256 amount0Out, uint256 amount1Out) = USDC_IS_TOKEN0 ? (uint256(0), amountOut) : (amountOut, uint256(0));
        PAIR.swap(amount0Out, amount1Out, address(this), "");
        received = VVV_TOKEN.balanceOf(address(this)) - balanceBefore;
    }
}
