// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {EmissionSchedule} from "./EmissionSchedule.sol";

/// @title VVV
/// @notice The Masque token. 100,000,000 VVV exist at genesis; every further VVV is an emission minted by
/// the staking contract, and never more than the emission schedule has released so far.
/// @dev The schedule cap is enforced here, in the token, and not only in the staking contract: even a bug in
/// the staking accounting cannot mint more than `EmissionSchedule.cumulativeAt(EMISSION_START, now)`.
/// The minter is set exactly once by the admin (it cannot be known at construction because the staking
/// contract needs this token's address first) and can never be changed afterwards. After that the admin
/// role has no power over balances or supply; it only manages roles.
contract VVV is ERC20, ERC20Burnable, ERC20Permit, AccessControlDefaultAdminRules {
    /// @notice VVV minted to the genesis recipient at deployment.
    uint256 public constant GENESIS_SUPPLY = 100_000_000e18;

    /// @notice Timestamp from which the emission schedule runs (month 0 starts here).
    uint256 public immutable EMISSION_START;

    /// @notice The only address allowed to mint emissions (the staking contract); zero until set.
    address public minter;

    /// @notice Total VVV minted as emissions so far.
    uint256 public totalEmitted;

    /// @notice Emitted once when the minter is wired.
    event MinterSet(address indexed minter);
    /// @notice Emitted for every emission mint.
    event EmissionMinted(address indexed to, uint256 amount, uint256 totalEmitted);

    error ZeroAddress();
    error MinterAlreadySet(address minter);
    error NotMinter(address caller);
    error EmissionCapExceeded(uint256 requested, uint256 available);

    /// @param genesisRecipient Receives the 100,000,000 VVV genesis supply (the treasury).
    /// @param emissionStart Start of emission month 0 (may be in the past or the future).
    /// @param admin Initial default admin.
    /// @param adminDelay Delay of the two-step default admin transfer, in seconds.
    constructor(address genesisRecipient, uint256 emissionStart, address admin, uint48 adminDelay)
        ERC20("VVV", "VVV")
        ERC20Permit("VVV")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {
        if (genesisRecipient == address(0)) revert ZeroAddress();
        EMISSION_START = emissionStart;
        _mint(genesisRecipient, GENESIS_SUPPLY);
    }

    /// @notice Wires the staking contract as the sole emission minter. Callable once, by the default admin.
    /// @param newMinter The staking contract.
    function setMinter(address newMinter) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newMinter == address(0)) revert ZeroAddress();
        if (minter != address(0)) revert MinterAlreadySet(minter);
        minter = newMinter;
        emit MinterSet(newMinter);
    }

    /// @notice Mints `amount` of released emission to `to`. Only the minter (staking) may call.
    /// @dev Reverts when the mint would take `totalEmitted` past what the schedule has released by now.
    /// @param to Recipient of the emission (a staker, or the staking contract when rewards are restaked).
    /// @param amount Amount of VVV to mint.
    function mintEmission(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        uint256 available = mintableEmission();
        if (amount > available) revert EmissionCapExceeded(amount, available);
        totalEmitted += amount;
        _mint(to, amount);
        emit EmissionMinted(to, amount, totalEmitted);
    }

    /// @notice Emission released by the schedule up to now that has not been minted yet.
    function mintableEmission() public view returns (uint256) {
        return EmissionSchedule.cumulativeAt(EMISSION_START, block.timestamp) - totalEmitted;
    }
}
