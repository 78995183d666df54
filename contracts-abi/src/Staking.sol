// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EmissionSchedule} from "./EmissionSchedule.sol";
import {VVV} from "./VVV.sol";

/// @title Staking (sVVV)
/// @notice Stake VVV to receive non-transferable sVVV 1:1 and earn the scheduled VVV emissions, split pro
/// rata between stakers. Unstaking takes two steps with a 7-day cooldown in between. sVVV locked by the
/// DIEM contract cannot be unstaked and earns 80% of the yield of unlocked sVVV.
///
/// @dev Reward accounting is the classic reward-per-token accumulator (Synthetix StakingRewards), with a
/// per-account *weight* in place of the raw balance: `weight = unlocked + locked * 80%`. Each account's
/// weight is settled before any change to it, and `totalWeight` always equals the sum of the weights.
///
/// Known pitfalls of the design, and how this contract handles each:
///
/// 1. Time with no stakers. While `totalWeight == 0` there is nobody to credit, so the emission released
///    in that interval is forfeited: it is never minted, counted in `totalForfeited` and announced with
///    `EmissionForfeited`. The alternative, carrying it over to whoever stakes next, hands a windfall
///    proportional to the length of the gap to a single (possibly 1-wei) staker who times the entry.
///    Consequently the schedule is a cap on supply, not a promise that every scheduled VVV gets minted.
///
/// 2. Rounding dust. Both the accumulator increment `released * PRECISION / totalWeight` and each
///    account's accrual `weight * deltaAccumulator / PRECISION` round down. Every rounding therefore
///    favours the protocol, and the sum of all credited rewards can never exceed the released emission;
///    the wei lost are simply never minted. The loss is under `totalWeight / 1e27` wei per accumulator
///    update (PRECISION is 1e27, so that is below one wei at any realistic stake) plus under one wei per
///    account settlement. The products go through `Math.mulDiv`, so they cannot overflow even for very
///    small or very large weights.
///
/// 3. The staked token is the reward token. Rewards are *minted* by VVV on claim (capped by the schedule
///    inside VVV itself) and never paid out of this contract's VVV balance, so no staker's principal can
///    ever be handed out as someone else's reward. Accounting never reads `VVV.balanceOf(this)`: VVV sent
///    here directly (a "donation") changes nothing, and there is no share price to inflate because sVVV is
///    minted 1:1 with the VVV staked. `claimAndStake` compounds by minting the reward to this contract and
///    the matching sVVV to the staker, without the VVV ever leaving. The invariant
///    `VVV.balanceOf(this) >= totalSupply() + totalPendingUnstake` always holds.
///
/// VVV in the unstake cooldown is no longer staked: it earns nothing and cannot be locked.
///
/// Every state change a user or the DIEM contract causes is announced by an event. The accumulator's own
/// bookkeeping (`rewardPerWeightStored`, `lastUpdateTime`, per-account settlement) moves on every
/// interaction and is not announced separately: it follows from the schedule and those events.
contract Staking is ERC20, AccessControlDefaultAdminRules {
    using SafeERC20 for VVV;

    /// @notice Delay between `initiateUnstake` and `finalizeUnstake`.
    uint256 public constant UNSTAKE_COOLDOWN = 7 days;
    /// @notice Yield of locked sVVV relative to unlocked sVVV, in basis points.
    uint256 public constant LOCKED_YIELD_BPS = 8_000;
    uint256 private constant BPS = 10_000;
    /// @dev Fixed-point scale of the reward-per-weight accumulator.
    uint256 private constant PRECISION = 1e27;

    /// @notice The staked token, which is also the reward token.
    VVV public immutable VVV_TOKEN;
    /// @notice Start of the emission schedule (read from VVV, so both contracts agree).
    uint256 public immutable EMISSION_START;

    /// @notice The DIEM contract, the only address allowed to lock and unlock sVVV; zero until wired.
    address public diem;

    /// @notice Accumulated reward per unit of weight, scaled by 1e27.
    uint256 public rewardPerWeightStored;
    /// @notice Timestamp up to which emissions have been accounted for.
    uint256 public lastUpdateTime;
    /// @notice Sum of all account weights.
    uint256 public totalWeight;
    /// @notice Sum of all locked sVVV.
    uint256 public totalLocked;
    /// @notice VVV waiting in the unstake cooldown.
    uint256 public totalPendingUnstake;
    /// @notice VVV minted to stakers as rewards so far (claimed and restaked).
    uint256 public totalClaimed;
    /// @notice Emission released while nobody was staked; never minted.
    uint256 public totalForfeited;

    /// @notice Reward weight of each account.
    mapping(address account => uint256) public weightOf;
    /// @notice sVVV of each account locked behind DIEM.
    mapping(address account => uint256) public lockedBalanceOf;
    /// @notice Accumulator value at each account's last settlement.
    mapping(address account => uint256) public rewardPerWeightPaid;
    /// @notice Rewards settled to each account and not claimed yet.
    mapping(address account => uint256) public accruedRewards;

    /// @notice An unstake waiting for its cooldown.
    struct PendingUnstake {
        uint128 amount;
        uint64 unlockTime;
    }

    /// @notice Each account's pending unstake.
    mapping(address account => PendingUnstake) public pendingUnstakes;

    event DiemSet(address indexed diem);
    event Staked(address indexed account, uint256 amount);
    event UnstakeInitiated(address indexed account, uint256 amount, uint256 totalPending, uint256 unlockTime);
    event UnstakeFinalized(address indexed account, uint256 amount);
    /// @param restaked True when the reward was compounded into sVVV by `claimAndStake`.
    event RewardsClaimed(address indexed account, uint256 amount, bool restaked);
    event SVvvLocked(address indexed account, uint256 amount, uint256 lockedBalance);
    event SVvvUnlocked(address indexed account, uint256 amount, uint256 lockedBalance);
    /// @notice Emission released in `[from, to)` while nobody was staked.
    event EmissionForfeited(uint256 from, uint256 to, uint256 amount);

    error ZeroAddress();
    error ZeroAmount();
    error DiemAlreadySet(address diem);
    error NotDiem(address caller);
    error NonTransferable();
    error InsufficientUnlockedBalance(uint256 available, uint256 requested);
    error InsufficientLockedBalance(uint256 locked, uint256 requested);
    error NothingToFinalize();
    error CooldownActive(uint256 unlockTime);
    error NothingToClaim();

    /// @param vvv The VVV token; its `EMISSION_START` becomes this contract's.
    /// @param admin Initial default admin.
    /// @param adminDelay Delay of the two-step default admin transfer, in seconds.
    constructor(VVV vvv, address admin, uint48 adminDelay)
        ERC20("Staked VVV", "sVVV")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {
        if (address(vvv) == address(0)) revert ZeroAddress();
        VVV_TOKEN = vvv;
        EMISSION_START = vvv.EMISSION_START();
        lastUpdateTime = block.timestamp;
    }

    modifier onlyDiem() {
        if (msg.sender != diem) revert NotDiem(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- admin

    /// @notice Wires the DIEM contract, the only locker of sVVV. Callable once, by the default admin.
    /// @param newDiem The DIEM contract.
    function setDiem(address newDiem) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newDiem == address(0)) revert ZeroAddress();
        if (diem != address(0)) revert DiemAlreadySet(diem);
        diem = newDiem;
        emit DiemSet(newDiem);
    }

    // ---------------------------------------------------------------- staking

    /// @notice Stakes `amount` VVV (approved beforehand) and mints the same amount of sVVV to the caller.
    /// @param amount VVV to stake.
    function stake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        _settle(msg.sender);
        _mint(msg.sender, amount);
        _reweigh(msg.sender);
        emit Staked(msg.sender, amount);
        VVV_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Burns `amount` unlocked sVVV and starts (or restarts) the 7-day cooldown of the caller's
    /// pending unstake. The VVV stops earning immediately and is paid out by `finalizeUnstake`.
    /// @dev Adding to a pending unstake restarts the cooldown for the whole pending amount.
    /// @param amount sVVV to unstake; at most the caller's unlocked balance.
    function initiateUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        _settle(msg.sender);
        uint256 unlocked = unlockedBalanceOf(msg.sender);
        if (amount > unlocked) revert InsufficientUnlockedBalance(unlocked, amount);
        _burn(msg.sender, amount);
        _reweigh(msg.sender);

        PendingUnstake storage pending = pendingUnstakes[msg.sender];
        uint256 newPending = pending.amount + amount;
        uint256 unlockTime = block.timestamp + UNSTAKE_COOLDOWN;
        pending.amount = SafeCast.toUint128(newPending);
        pending.unlockTime = SafeCast.toUint64(unlockTime);
        totalPendingUnstake += amount;
        emit UnstakeInitiated(msg.sender, amount, newPending, unlockTime);
    }

    /// @notice Pays out the caller's pending unstake once its cooldown is over.
    function finalizeUnstake() external {
        PendingUnstake memory pending = pendingUnstakes[msg.sender];
        if (pending.amount == 0) revert NothingToFinalize();
        if (block.timestamp < pending.unlockTime) revert CooldownActive(pending.unlockTime);
        delete pendingUnstakes[msg.sender];
        totalPendingUnstake -= pending.amount;
        emit UnstakeFinalized(msg.sender, pending.amount);
        VVV_TOKEN.safeTransfer(msg.sender, pending.amount);
    }

    /// @notice Mints the caller's accrued rewards to the caller.
    /// @return amount VVV claimed.
    function claim() external returns (uint256 amount) {
        amount = _takeRewards(msg.sender);
        emit RewardsClaimed(msg.sender, amount, false);
        VVV_TOKEN.mintEmission(msg.sender, amount);
    }

    /// @notice Claims the caller's accrued rewards and stakes them in the same step.
    /// @return amount VVV claimed and staked as sVVV.
    function claimAndStake() external returns (uint256 amount) {
        amount = _takeRewards(msg.sender);
        _mint(msg.sender, amount);
        _reweigh(msg.sender);
        emit RewardsClaimed(msg.sender, amount, true);
        VVV_TOKEN.mintEmission(address(this), amount);
    }

    // ---------------------------------------------------------------- DIEM hooks

    /// @notice Locks `amount` of `account`'s unlocked sVVV. Only callable by DIEM when minting.
    /// @param account Owner of the sVVV.
    /// @param amount sVVV to lock.
    function lock(address account, uint256 amount) external onlyDiem {
        if (amount == 0) revert ZeroAmount();
        _settle(account);
        uint256 unlocked = unlockedBalanceOf(account);
        if (amount > unlocked) revert InsufficientUnlockedBalance(unlocked, amount);
        uint256 locked = lockedBalanceOf[account] + amount;
        lockedBalanceOf[account] = locked;
        totalLocked += amount;
        _reweigh(account);
        emit SVvvLocked(account, amount, locked);
    }

    /// @notice Unlocks `amount` of `account`'s locked sVVV. Only callable by DIEM when burning.
    /// @param account Owner of the sVVV.
    /// @param amount sVVV to unlock.
    function unlock(address account, uint256 amount) external onlyDiem {
        if (amount == 0) revert ZeroAmount();
        _settle(account);
        uint256 locked = lockedBalanceOf[account];
        if (amount > locked) revert InsufficientLockedBalance(locked, amount);
        locked -= amount;
        lockedBalanceOf[account] = locked;
        totalLocked -= amount;
        _reweigh(account);
        emit SVvvUnlocked(account, amount, locked);
    }

    // ---------------------------------------------------------------- views

    /// @notice sVVV of `account` that is not locked behind DIEM.
    function unlockedBalanceOf(address account) public view returns (uint256) {
        return balanceOf(account) - lockedBalanceOf[account];
    }

    /// @notice Rewards `account` could claim right now.
    function pendingRewards(address account) external view returns (uint256) {
        uint256 accumulator = rewardPerWeightStored;
        uint256 weight = totalWeight;
        if (block.timestamp > lastUpdateTime && weight != 0) {
            uint256 released = EmissionSchedule.emittedBetween(EMISSION_START, lastUpdateTime, block.timestamp);
            accumulator += Math.mulDiv(released, PRECISION, weight);
        }
        return accruedRewards[account]
            + Math.mulDiv(weightOf[account], accumulator - rewardPerWeightPaid[account], PRECISION);
    }

    /// @notice VVV emitted per second to all stakers together at the current month's rate.
    function emissionRatePerSecond() external view returns (uint256) {
        return EmissionSchedule.ratePerSecondAt(EMISSION_START, block.timestamp);
    }

    /// @notice Emission the schedule releases between timestamps `t0` and `t1`.
    function scheduledEmission(uint256 t0, uint256 t1) external view returns (uint256) {
        return EmissionSchedule.emittedBetween(EMISSION_START, t0, t1);
    }

    /// @notice Nominal emission per second at timestamp `t`.
    function emissionRateAt(uint256 t) external view returns (uint256) {
        return EmissionSchedule.ratePerSecondAt(EMISSION_START, t);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Brings the accumulator up to now, then credits `account` everything it earned since its last
    /// settlement. Must run before any change to `account`'s weight or to `totalWeight`.
    function _settle(address account) private {
        uint256 last = lastUpdateTime;
        if (block.timestamp > last) {
            uint256 released = EmissionSchedule.emittedBetween(EMISSION_START, last, block.timestamp);
            lastUpdateTime = block.timestamp;
            if (released != 0) {
                uint256 weight = totalWeight;
                if (weight == 0) {
                    // Pitfall 1: nobody to credit, so this emission is never minted.
                    totalForfeited += released;
                    emit EmissionForfeited(last, block.timestamp, released);
                } else {
                    // Pitfall 2: rounds down; the remainder is dust that is never minted.
                    rewardPerWeightStored += Math.mulDiv(released, PRECISION, weight);
                }
            }
        }

        uint256 accumulator = rewardPerWeightStored;
        uint256 paid = rewardPerWeightPaid[account];
        if (accumulator != paid) {
            accruedRewards[account] += Math.mulDiv(weightOf[account], accumulator - paid, PRECISION);
            rewardPerWeightPaid[account] = accumulator;
        }
    }

    /// @dev Settles `account` and moves its accrued rewards out of the ledger.
    function _takeRewards(address account) private returns (uint256 amount) {
        _settle(account);
        amount = accruedRewards[account];
        if (amount == 0) revert NothingToClaim();
        accruedRewards[account] = 0;
        totalClaimed += amount;
    }

    /// @dev Recomputes `account`'s weight from its balances; call after settling and changing them.
    function _reweigh(address account) private {
        uint256 locked = lockedBalanceOf[account];
        uint256 weight = balanceOf(account) - locked + (locked * LOCKED_YIELD_BPS) / BPS;
        totalWeight = totalWeight - weightOf[account] + weight;
        weightOf[account] = weight;
    }

    /// @dev sVVV only moves by minting (stake, restake) and burning (unstake): `transfer` and
    /// `transferFrom` revert here (or in `_spendAllowance`), and `approve` reverts in `_approve`.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) revert NonTransferable();
        super._update(from, to, value);
    }

    /// @dev Allowances would be meaningless for a non-transferable token.
    function _approve(address, address, uint256, bool) internal pure override {
        revert NonTransferable();
    }

    /// @dev Makes `transferFrom` fail with `NonTransferable` rather than with a missing allowance.
    function _spendAllowance(address, address, uint256) internal pure override {
        revert NonTransferable();
    }
}
