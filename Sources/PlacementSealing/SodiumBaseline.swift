/// Raw libsodium operations with nothing of HPKE around them, for `placement bench` to measure
/// sealing against in the same run. Package-internal: not part of the sealing API.
package enum SodiumBaseline {
  private static let key = [UInt8](repeating: 0x42, count: Sodium.aeadKeySize)
  private static let nonce = [UInt8](repeating: 0x24, count: Sodium.aeadNonceSize)

  /// One ChaCha20-Poly1305 IETF encryption of `plaintext` into `output`, which must hold
  /// `plaintext.count + 16` bytes.
  package static func aeadSeal(_ plaintext: [UInt8], aad: [UInt8], into output: inout [UInt8])
    throws
  {
    try plaintext.withUnsafeBytes { plaintext in
      try aad.withUnsafeBytes { aad in
        try key.withUnsafeBytes { key in
          try nonce.withUnsafeBytes { nonce in
            try output.withUnsafeMutableBytes { output in
              try Sodium.aeadSeal(plaintext, aad: aad, nonce: nonce, key: key, into: output)
            }
          }
        }
      }
    }
  }

  /// The two X25519 operations of an HPKE encapsulation: a public key from a scalar, and a
  /// shared secret with `point`.
  package static func twoX25519(scalar: [UInt8], point: [UInt8]) throws {
    var output = [UInt8](repeating: 0, count: Sodium.x25519Size)
    try scalar.withUnsafeBytes { scalar in
      try point.withUnsafeBytes { point in
        try output.withUnsafeMutableBytes { output in
          try Sodium.x25519Base(scalar: scalar, into: output)
          try Sodium.x25519(scalar: scalar, point: point, into: output)
        }
      }
    }
  }
}
