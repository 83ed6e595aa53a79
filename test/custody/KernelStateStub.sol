// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The storage getters of a deployed Kernel v3.1 account, for tests only: no npm package ships
/// Kernel's bytecode, so a deployed account's state (validator nonce, installed permissions) is put
/// at its address with this stand-in. It validates and executes nothing. Anyone may set it.
contract KernelStateStub {
    struct PermissionConfig {
        bytes2 permissionFlag;
        address signer;
        bytes22[] policyData;
    }

    uint32 public currentNonce;
    uint32 public validNonceFrom;
    mapping(bytes4 => PermissionConfig) private permissions;

    function setNonces(uint32 current, uint32 validFrom) external {
        currentNonce = current;
        validNonceFrom = validFrom;
    }

    function setPermission(bytes4 id, address signer, bytes22[] calldata policies) external {
        PermissionConfig storage config = permissions[id];
        config.signer = signer;
        delete config.policyData;
        for (uint256 i = 0; i < policies.length; i++) config.policyData.push(policies[i]);
    }

    function permissionConfig(bytes4 id) external view returns (PermissionConfig memory) {
        return permissions[id];
    }
}
