// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BuybackBurner} from "./BuybackBurner.sol";

/// @title Subscriptions
/// @notice Sells subscription periods of 30 days for USDC at owner-set tier prices (Pro, Pro+ and Max at
/// launch). Each payment sends the tier's buyback budget straight to the `BuybackBurner`, where it becomes
/// a numbered receipt, and the rest to the treasury; no USDC stays in this contract. Card payments made
/// off-chain add to the buyback budget through `depositCardBudget`, which also yields a receipt.
/// @dev The owner is the default admin (`owner()` from AccessControlDefaultAdminRules). Tiers are
/// independent: an account may hold several at once, each with its own `paidUntil`; paying for an
/// active tier extends it from its current end, paying for an expired one starts now.
contract Subscriptions is AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Length of one subscription period.
    uint256 public constant PERIOD = 30 days;
    /// @notice Most periods one payment may buy.
    uint256 public constant MAX_PERIODS = 36;

    uint8 public constant TIER_PRO = 1;
    uint8 public constant TIER_PRO_PLUS = 2;
    uint8 public constant TIER_MAX = 3;

    /// @notice The payment token.
    IERC20 public immutable USDC;
    /// @notice Receives each payment's buyback budget.
    BuybackBurner public immutable BUYBACK;

    /// @notice Receives the part of each payment that is not buyback budget.
    address public treasury;

    /// @notice A tier's price and buyback budget per period, in USDC units. A zero price means "not sold".
    struct Tier {
        uint128 pricePerPeriod;
        uint128 buybackPerPeriod;
    }

    /// @notice Tiers by id.
    mapping(uint8 tier => Tier) public tiers;
    /// @notice End of each account's paid time per tier (zero if never paid).
    mapping(address account => mapping(uint8 tier => uint256)) public paidUntil;

    event Subscribed(
        address indexed subscriber,
        uint8 indexed tier,
        uint256 periods,
        uint256 paidUntil,
        uint256 amount,
        uint256 buybackAmount,
        uint256 indexed receiptId
    );
    event CardBudgetDeposited(
        uint256 indexed receiptId, address indexed depositor, uint256 amount, bytes32 indexed fundsRef
    );
    event TierUpdated(uint8 indexed tier, uint256 pricePerPeriod, uint256 buybackPerPeriod);
    event TreasuryUpdated(address indexed previousTreasury, address indexed newTreasury);

    error ZeroAddress();
    error ZeroAmount();
    error InvalidTier(uint8 tier);
    error TierNotForSale(uint8 tier);
    error InvalidTierPricing(uint256 pricePerPeriod, uint256 buybackPerPeriod);
    error InvalidPeriods(uint256 periods);

    /// @param admin Initial default admin (the owner).
    /// @param adminDelay Delay of the two-step default admin transfer, in seconds.
    /// @param usdc The payment token.
    /// @param buyback The buyback contract; it must grant this contract its FUNDER_ROLE.
    /// @param treasury_ Receives payments net of the buyback budget.
    constructor(address admin, uint48 adminDelay, IERC20 usdc, BuybackBurner buyback, address treasury_)
        AccessControlDefaultAdminRules(adminDelay, admin)
    {
        if (address(usdc) == address(0) || address(buyback) == address(0) || treasury_ == address(0)) {
            revert ZeroAddress();
        }
        USDC = usdc;
        BUYBACK = buyback;
        treasury = treasury_;
        emit TreasuryUpdated(address(0), treasury_);
    }

    // ---------------------------------------------------------------- subscribe

    /// @notice Pays for `periods` periods of `tier` with USDC the caller approved beforehand.
    /// @param tier Tier id.
    /// @param periods Number of 30-day periods, 1 to `MAX_PERIODS`.
    /// @return receiptId The buyback receipt created for this payment.
    function subscribe(uint8 tier, uint256 periods) external nonReentrant returns (uint256 receiptId) {
        return _subscribe(msg.sender, tier, periods);
    }

    /// @notice Like `subscribe`, approving the payment with an EIP-2612 permit in the same transaction.
    /// @dev A failed permit is ignored so that a permit front-run by someone else (which already set the
    /// allowance) cannot block the payment; without allowance the transfer reverts anyway.
    /// @param tier Tier id.
    /// @param periods Number of 30-day periods, 1 to `MAX_PERIODS`.
    /// @param deadline Permit deadline.
    /// @param v Permit signature v.
    /// @param r Permit signature r.
    /// @param s Permit signature s.
    /// @return receiptId The buyback receipt created for this payment.
    function subscribeWithPermit(uint8 tier, uint256 periods, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        returns (uint256 receiptId)
    {
        (uint256 amount,) = quote(tier, periods);
        try IERC20Permit(address(USDC)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        return _subscribe(msg.sender, tier, periods);
    }

    /// @notice Adds `amount` USDC from the owner to the buyback budget on behalf of off-chain (card)
    /// payments, naming what it funds. Owner only.
    /// @param amount USDC to add, approved beforehand.
    /// @param fundsRef Reference of what the deposit funds (e.g. a hash of the card payments it covers).
    /// @return receiptId The buyback receipt created for this deposit.
    function depositCardBudget(uint256 amount, bytes32 fundsRef)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        nonReentrant
        returns (uint256 receiptId)
    {
        if (amount == 0) revert ZeroAmount();
        USDC.safeTransferFrom(msg.sender, address(BUYBACK), amount);
        receiptId = BUYBACK.recordFunding(amount);
        emit CardBudgetDeposited(receiptId, msg.sender, amount, fundsRef);
    }

    // ---------------------------------------------------------------- admin

    /// @notice Sets the price and buyback budget per period of `tier`; a zero price stops its sale. Owner only.
    /// @param tier Tier id (non-zero).
    /// @param pricePerPeriod Price of one period in USDC units.
    /// @param buybackPerPeriod Buyback budget of one period; non-zero and at most the price when on sale.
    function setTier(uint8 tier, uint128 pricePerPeriod, uint128 buybackPerPeriod)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (tier == 0) revert InvalidTier(tier);
        bool stopped = pricePerPeriod == 0 && buybackPerPeriod == 0;
        if (!stopped && (buybackPerPeriod == 0 || buybackPerPeriod > pricePerPeriod)) {
            revert InvalidTierPricing(pricePerPeriod, buybackPerPeriod);
        }
        tiers[tier] = Tier({pricePerPeriod: pricePerPeriod, buybackPerPeriod: buybackPerPeriod});
        emit TierUpdated(tier, pricePerPeriod, buybackPerPeriod);
    }

    /// @notice Changes the address receiving payments net of the buyback budget. Owner only.
    /// @param newTreasury The new treasury.
    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newTreasury == address(0)) revert ZeroAddress();
        emit TreasuryUpdated(treasury, newTreasury);
        treasury = newTreasury;
    }

    // ---------------------------------------------------------------- views

    /// @notice Price and buyback budget of `periods` periods of `tier`.
    function quote(uint8 tier, uint256 periods) public view returns (uint256 amount, uint256 buybackAmount) {
        Tier memory t = tiers[tier];
        if (t.pricePerPeriod == 0) revert TierNotForSale(tier);
        if (periods == 0 || periods > MAX_PERIODS) revert InvalidPeriods(periods);
        amount = uint256(t.pricePerPeriod) * periods;
        buybackAmount = uint256(t.buybackPerPeriod) * periods;
    }

    /// @notice Whether `account` has paid time left on `tier`.
    function isActive(address account, uint8 tier) external view returns (bool) {
        return paidUntil[account][tier] > block.timestamp;
    }

    // ---------------------------------------------------------------- internals

    function _subscribe(address subscriber, uint8 tier, uint256 periods) private returns (uint256 receiptId) {
        (uint256 amount, uint256 buybackAmount) = quote(tier, periods);
        uint256 current = paidUntil[subscriber][tier];
        uint256 newPaidUntil = (current > block.timestamp ? current : block.timestamp) + periods * PERIOD;
        paidUntil[subscriber][tier] = newPaidUntil;

        USDC.safeTransferFrom(subscriber, address(BUYBACK), buybackAmount);
        if (amount > buybackAmount) USDC.safeTransferFrom(subscriber, treasury, amount - buybackAmount);
        receiptId = BUYBACK.recordFunding(buybackAmount);
        emit Subscribed(subscriber, tier, periods, newPaidUntil, amount, buybackAmount, receiptId);
    }
}
