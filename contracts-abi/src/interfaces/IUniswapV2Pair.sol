// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The part of the Uniswap V2 pair interface the buyback uses.
/// @dev See https://github.com/Uniswap/v2-core/blob/master/contracts/UniswapV2Pair.sol
interface IUniswapV2Pair {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function price0CumulativeLast() external view returns (uint256);
    function price1CumulativeLast() external view returns (uint256);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}
