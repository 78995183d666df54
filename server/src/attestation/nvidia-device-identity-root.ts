import { X509Certificate } from "node:crypto";

/**
 * NVIDIA's device identity root CA ("NVIDIA Device Identity CA", ECDSA P-384, valid
 * 2021-11-05 to 9999-12-31), the trust anchor of every Hopper/Blackwell GPU attestation
 * certificate chain.
 *
 * Where it came from: extracted as the last (self-signed) certificate of the chain in
 * `shared/fixtures/tee/nvidia-gpu-evidence-hopper.json` (captured from real H100 GPUs),
 * and checked byte for byte against the root NVIDIA publishes with its verifier,
 * `NVIDIA/nvtrust` `guest_tools/gpu_verifiers/local_gpu_verifier/src/verifier/certs/verifier_device_root.pem`.
 * @see https://docs.nvidia.com/attestation/ (NVIDIA Device Identity, NDIS)
 */
export const NVIDIA_DEVICE_IDENTITY_ROOT_PEM = `-----BEGIN CERTIFICATE-----
MIICCzCCAZCgAwIBAgIQLTZwscoQBBHB/sDoKgZbVDAKBggqhkjOPQQDAzA1MSIw
IAYDVQQDDBlOVklESUEgRGV2aWNlIElkZW50aXR5IENBMQ8wDQYDVQQKDAZOVklE
SUEwIBcNMjExMTA1MDAwMDAwWhgPOTk5OTEyMzEyMzU5NTlaMDUxIjAgBgNVBAMM
GU5WSURJQSBEZXZpY2UgSWRlbnRpdHkgQ0ExDzANBgNVBAoMBk5WSURJQTB2MBAG
ByqGSM49AgEGBSuBBAAiA2IABA5MFKM7+KViZljbQSlgfky/RRnEQScW9NDZF8SX
gAW96r6u/Ve8ZggtcYpPi2BS4VFu6KfEIrhN6FcHG7WP05W+oM+hxj7nyA1r1jkB
2Ry70YfThX3Ba1zOryOP+MJ9vaNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8B
Af8EBAMCAQYwHQYDVR0OBBYEFFeF/4PyY8xlfWi3Olv0jUrL+0lfMB8GA1UdIwQY
MBaAFFeF/4PyY8xlfWi3Olv0jUrL+0lfMAoGCCqGSM49BAMDA2kAMGYCMQCPeFM3
TASsKQVaT+8S0sO9u97PVGCpE9d/I42IT7k3UUOLSR/qvJynVOD1vQKVXf0CMQC+
EY55WYoDBvs2wPAH1Gw4LbcwUN8QCff8bFmV4ZxjCRr4WXTLFHBKjbfneGSBWwA=
-----END CERTIFICATE-----
`;

/**
 * SHA-256 fingerprint of {@link NVIDIA_DEVICE_IDENTITY_ROOT_PEM}'s DER, as Node's
 * `X509Certificate.fingerprint256` prints it. The pin that GPU chains must end at.
 */
export const NVIDIA_DEVICE_IDENTITY_ROOT_SHA256 =
  "10:2B:F6:59:D5:41:96:14:C9:D8:E6:AE:CE:BC:80:45:4E:B2:6B:1D:F6:A7:69:AC:72:0B:9A:69:0B:16:7B:48";

/** The pinned root as a certificate object; its fingerprint is checked against the pin. */
export function nvidiaDeviceIdentityRoot(): X509Certificate {
  const root = new X509Certificate(NVIDIA_DEVICE_IDENTITY_ROOT_PEM);
  if (root.fingerprint256 !== NVIDIA_DEVICE_IDENTITY_ROOT_SHA256) {
    throw new Error("the embedded NVIDIA root does not match its pinned fingerprint");
  }
  return root;
}
