// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {DiemCurve} from "./DiemCurve.sol";
import {Staking} from "./Staking.sol";

/// @title DIEM
/// @notice A transferable token worth one dollar of inference credit per day while staked. DIEM is minted
/// by locking sVVV along the `DiemCurve` mint curve and burned to unlock it again; DIEM staked here counts
/// for inference credits.
///
/// @dev Positions. Every account has one position: the sVVV it locked and the DIEM it minted against it
/// (its debt). Burning DIEM repays debt and unlocks the proportional share of the position's sVVV, rounded
/// down (repaying all of it unlocks everything). DIEM bought on the market can repay a position, but an
/// account without a position cannot burn, so sVVV is only ever released to the account that locked it.
/// Because every DIEM in existence was minted against a position and only burning destroys it,
/// `totalSupply() == sum of debts`, and `Staking.totalLocked() == sum of locked sVVV`. Each mint costs at
/// least `BASE_MINT_RATE` sVVV per DIEM and proportional burns never lower a position's ratio, so every
/// position keeps `locked >= BASE_MINT_RATE * debt`: locked sVVV always backs outstanding DIEM.
///
/// Locked sVVV stays in the staking contract, cannot be unstaked and earns 80% of the normal yield (see
/// `Staking`). This contract has no privileged roles.
contract DIEM is ERC20, ERC20Permit {
    /// @notice Delay between `initiateUnstake` and `unstake`.
    uint256 public constant UNSTAKE_COOLDOWN = 1 days;
    /// @notice Mint rate at zero supply, in sVVV per DIEM.
    uint256 public constant BASE_MINT_RATE = DiemCurve.BASE_MINT_RATE;
    /// @notice Supply at which the mint rate has doubled, in DIEM wei.
    uint256 public constant TARGET_SUPPLY = DiemCurve.TARGET_SUPPLY;

    /// @notice The sVVV staking contract that holds the locks.
    Staking public immutable STAKING;

    /// @notice An account's locked sVVV and the DIEM minted against it.
    struct Position {
        uint256 lockedSVvv;
        uint256 diemDebt;
    }

    /// @notice Each account's position.
    mapping(address account => Position) public positions;

    /// @notice DIEM each account has staked for inference credits.
    mapping(address account => uint256) public stakedBalanceOf;
    /// @notice Sum of `stakedBalanceOf`.
    uint256 public totalStaked;

    /// @notice DIEM waiting in the unstake cooldown.
    struct PendingUnstake {
        uint128 amount;
        uint64 unlockTime;
    }

    /// @notice Each account's pending DIEM unstake.
    mapping(address account => PendingUnstake) public pendingUnstakes;
    /// @notice Sum of all pending DIEM unstakes.
    uint256 public totalPendingUnstake;

    event DiemMinted(address indexed account, uint256 sVvvLocked, uint256 diemMinted);
    event DiemBurned(address indexed account, uint256 diemBurned, uint256 sVvvUnlocked);
    event DiemStaked(address indexed account, uint256 amount);
    event DiemUnstakeInitiated(address indexed account, uint256 amount, uint256 totalPending, uint256 unlockTime);
    event DiemUnstaked(address indexed account, uint256 amount);

    error ZeroAddress();
    error ZeroAmount();
    error InsufficientDiemOut(uint256 diemOut, uint256 minDiemOut);
    error BurnExceedsDebt(uint256 amount, uint256 debt);
    error InsufficientStakedBalance(uint256 staked, uint256 requested);
    error NothingToUnstake();
    error CooldownActive(uint256 unlockTime);
    error MintTooLarge(uint256 diemOut, uint256 maxMint);

    /// @param staking The sVVV staking contract; it must name this contract as its DIEM.
    constructor(Staking staking) ERC20("DIEM", "DIEM") ERC20Permit("DIEM") {
        if (address(staking) == address(0)) revert ZeroAddress();
        STAKING = staking;
    }

    // ---------------------------------------------------------------- mint and burn

    /// @notice Locks `sVvvToLock` of the caller's unlocked sVVV and mints DIEM along the mint curve.
    /// @dev The whole `sVvvToLock` is locked; the DIEM minted is the largest amount it pays for.
    /// @param sVvvToLock sVVV to lock.
    /// @param minDiemOut Reverts if fewer DIEM would be minted (protects against supply moving first).
    /// @return diemOut DIEM minted to the caller.
    function mintDiem(uint256 sVvvToLock, uint256 minDiemOut) external returns (uint256 diemOut) {
        diemOut = DiemCurve.amountOut(totalSupply(), sVvvToLock);
        if (diemOut == 0) revert ZeroAmount();
        if (diemOut < minDiemOut) revert InsufficientDiemOut(diemOut, minDiemOut);

        Position storage position = positions[msg.sender];
        position.lockedSVvv += sVvvToLock;
        position.diemDebt += diemOut;
        _mint(msg.sender, diemOut);
        emit DiemMinted(msg.sender, sVvvToLock, diemOut);
        // Reverts unless the caller holds enough unlocked sVVV.
        STAKING.lock(msg.sender, sVvvToLock);
    }

    /// @notice Burns `amount` DIEM from the caller, repaying that much of the caller's position, and
    /// unlocks the proportional share of the position's sVVV.
    /// @param amount DIEM to burn; at most the caller's debt and unstaked balance.
    /// @return sVvvUnlocked sVVV unlocked for the caller.
    function burnDiem(uint256 amount) external returns (uint256 sVvvUnlocked) {
        if (amount == 0) revert ZeroAmount();
        Position storage position = positions[msg.sender];
        uint256 debt = position.diemDebt;
        if (amount > debt) revert BurnExceedsDebt(amount, debt);

        sVvvUnlocked = DiemCurve.unlockAmount(position.lockedSVvv, debt, amount);
        position.diemDebt = debt - amount;
        position.lockedSVvv -= sVvvUnlocked;
        _burn(msg.sender, amount);
        emit DiemBurned(msg.sender, amount, sVvvUnlocked);
        if (sVvvUnlocked != 0) STAKING.unlock(msg.sender, sVvvUnlocked);
    }

    // ---------------------------------------------------------------- staking for credits

    /// @notice Stakes `amount` of the caller's DIEM so it counts for inference credits.
    /// @param amount DIEM to stake.
    function stake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        stakedBalanceOf[msg.sender] += amount;
        totalStaked += amount;
        _transfer(msg.sender, address(this), amount);
        emit DiemStaked(msg.sender, amount);
    }

    /// @notice Stops `amount` of the caller's staked DIEM from counting and starts (or restarts) the 1-day
    /// cooldown of the caller's pending unstake.
    /// @dev Adding to a pending unstake restarts the cooldown for the whole pending amount.
    /// @param amount Staked DIEM to unstake.
    function initiateUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 staked = stakedBalanceOf[msg.sender];
        if (amount > staked) revert InsufficientStakedBalance(staked, amount);
        stakedBalanceOf[msg.sender] = staked - amount;
        totalStaked -= amount;

        PendingUnstake storage pending = pendingUnstakes[msg.sender];
        uint256 newPending = pending.amount + amount;
        uint256 unlockTime = block.timestamp + UNSTAKE_COOLDOWN;
        pending.amount = SafeCast.toUint128(newPending);
        pending.unlockTime = SafeCast.toUint64(unlockTime);
        totalPendingUnstake += amount;
        emit DiemUnstakeInitiated(msg.sender, amount, newPending, unlockTime);
    }

    /// @notice Returns the caller's pending DIEM once its cooldown is over.
    function unstake() external {
        PendingUnstake memory pending = pendingUnstakes[msg.sender];
        if (pending.amount == 0) revert NothingToUnstake();
        if (block.timestamp < pending.unlockTime) revert CooldownActive(pending.unlockTime);
        delete pendingUnstakes[msg.sender];
        totalPendingUnstake -= pending.amount;
        _transfer(address(this), msg.sender, pending.amount);
        emit DiemUnstaked(msg.sender, pending.amount);
    }

    // ---------------------------------------------------------------- views

    /// @notice DIEM that locking `sVvvToLock` sVVV would mint right now.
    function getDiemAmountOut(uint256 sVvvToLock) external view returns (uint256) {
        return DiemCurve.amountOut(totalSupply(), sVvvToLock);
    }

    /// @notice sVVV needed right now to mint `diemOut` DIEM (at most `DiemCurve.MAX_MINT`).
    function getSVvvAmountIn(uint256 diemOut) external view returns (uint256) {
        if (diemOut > DiemCurve.MAX_MINT) revert MintTooLarge(diemOut, DiemCurve.MAX_MINT);
        return DiemCurve.mintCost(totalSupply(), diemOut);
    }

    /// @notice Current marginal mint rate, in sVVV per DIEM scaled by 1e18.
    function mintRate() external view returns (uint256) {
        return DiemCurve.mintRate(totalSupply());
    }
}
