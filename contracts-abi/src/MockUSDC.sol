// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MockUSDC
/// @notice A 6-decimals USDC stand-in with EIP-2612 permit and an open faucet. For local chains and
/// tests only: anyone can mint up to `FAUCET_LIMIT` per call, so it must never be deployed where it could
/// be mistaken for real money.
contract MockUSDC is ERC20, ERC20Permit {
    /// @notice Most USDC a single faucet call may mint (10,000 USDC).
    uint256 public constant FAUCET_LIMIT = 10_000e6;

    event FaucetDrip(address indexed to, uint256 amount);

    error FaucetLimitExceeded(uint256 requested, uint256 limit);

    /// @param initialHolder Receives `initialSupply` at deployment (e.g. to seed a pool).
    /// @param initialSupply USDC minted at deployment, in 6-decimals units.
    constructor(address initialHolder, uint256 initialSupply) ERC20("USD Coin (Mock)", "USDC") ERC20Permit("USD Coin (Mock)") {
        _mint(initialHolder, initialSupply);
    }

    /// @notice USDC has 6 decimals.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` (at most `FAUCET_LIMIT`) to `to`. Open to everyone.
    /// @param to Recipient.
    /// @param amount USDC to mint, in 6-decimals units.
    function faucet(address to, uint256 amount) external {
        if (amount > FAUCET_LIMIT) revert FaucetLimitExceeded(amount, FAUCET_LIMIT);
        _mint(to, amount);
        emit FaucetDrip(to, amount);
    }
}
