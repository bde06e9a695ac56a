/// DHKEM(X25519, HKDF-SHA256), RFC 9180 section 4.1: `Encap` and `Decap` for the base mode.
///
/// Every secret lives in a temporary buffer that is wiped before returning; only the shared
/// secret leaves, written into the caller's (secret) buffer.
enum DHKEM {
  /// Size of a public key, a private key, an encapsulated key and the shared secret.
  static let size = Sodium.x25519Size

  /// `Encap(pkR)` with the ephemeral private key `skE` (random in production, fixed by the
  /// RFC 9180 test vectors in tests). Writes `enc` (the ephemeral public key) and the shared
  /// secret.
  static func encap(
    recipientPublicKey pkR: UnsafeRawBufferPointer, ephemeralPrivateKey skE: UnsafeRawBufferPointer,
    enc: UnsafeMutableRawBufferPointer, sharedSecret: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    try Sodium.x25519Base(scalar: skE, into: enc)
    try withUnsafeTemporaryAllocation(byteCount: size, alignment: 16) {
      (dh) throws(HPKEError) in
      defer { Sodium.wipe(dh) }
      try Sodium.x25519(scalar: skE, point: pkR, into: dh)
      extractAndExpand(
        dh: UnsafeRawBufferPointer(dh), enc: UnsafeRawBufferPointer(enc), recipientPublicKey: pkR,
        into: sharedSecret)
    }
  }

  /// `Decap(enc, skR)`; `pkR` is `pk(skR)`, which the private key keeps beside it.
  static func decap(
    enc: UnsafeRawBufferPointer, recipientPrivateKey skR: UnsafeRawBufferPointer,
    recipientPublicKey pkR: UnsafeRawBufferPointer, sharedSecret: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    try withUnsafeTemporaryAllocation(byteCount: size, alignment: 16) {
      (dh) throws(HPKEError) in
      defer { Sodium.wipe(dh) }
      try Sodium.x25519(scalar: skR, point: enc, into: dh)
      extractAndExpand(
        dh: UnsafeRawBufferPointer(dh), enc: enc, recipientPublicKey: pkR, into: sharedSecret)
    }
  }

  /// `ExtractAndExpand(dh, kem_context)` with `kem_context = concat(enc, pkRm)`.
  private static func extractAndExpand(
    dh: UnsafeRawBufferPointer, enc: UnsafeRawBufferPointer,
    recipientPublicKey pkR: UnsafeRawBufferPointer, into sharedSecret: UnsafeMutableRawBufferPointer
  ) {
    withUnsafeTemporaryAllocation(byteCount: Sodium.sha256Size, alignment: 16) { prk in
      defer { Sodium.wipe(prk) }
      LabeledHKDF.extract(
        salt: .init(start: nil, count: 0), suiteID: LabeledHKDF.kemSuiteID, label: "eae_prk",
        ikm: dh, into: prk)
      let keyed = Sodium.HMAC(key: UnsafeRawBufferPointer(prk))
      LabeledHKDF.expand(
        keyed: keyed, suiteID: LabeledHKDF.kemSuiteID, label: "shared_secret", info: enc, pkR,
        into: sharedSecret)
      keyed.discard()
    }
  }
}
