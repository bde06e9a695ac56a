/// A payload sealed for one pool (DESIGN.md section 8):
///
///     envelope = 0x01 (version) || key_id (8 bytes) || enc (32 bytes) || ciphertext
///     key_id   = first 8 bytes of SHA-256(pool public key)
///     info     = "placement/v1 " || pool id          (UTF-8)
///     aad      = decision id                          (UTF-8)
///
/// The ciphertext is a single HPKE (RFC 9180) base-mode message, sequence number 0, suite
/// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305, so any RFC 9180 implementation
/// holding the pool's private key can open it.
public enum Envelope {
  /// The version byte this code writes and reads.
  public static let version: UInt8 = 0x01

  /// The size of the header: version, key id and `enc`.
  public static let headerSize = 1 + KeyID.size + HPKE.encapsulatedKeySize

  /// What an envelope adds to its payload: header and tag (57 bytes).
  public static let overhead = headerSize + HPKE.tagSize

  /// The HPKE `info` prefix; the pool id follows it.
  public static let infoPrefix = "placement/v1 "

  /// Seals `payload` to the pool key `publicKey`, bound to `poolID` (HPKE info) and `aad` (the
  /// decision id). Returns the envelope, ``overhead`` bytes longer than `payload`.
  public static func seal(_ payload: [UInt8], to publicKey: PublicKey, poolID: String, aad: String)
    throws(HPKEError) -> [UInt8]
  {
    try seal(payload, to: publicKey, poolID: poolID, aad: aad, ephemeralPrivateKey: nil)
  }

  /// ``seal(_:to:poolID:aad:)`` with a fixed ephemeral private key when it is not nil: for tests
  /// only.
  static func seal(
    _ payload: [UInt8], to publicKey: PublicKey, poolID: String, aad: String,
    ephemeralPrivateKey: [UInt8]?
  ) throws(HPKEError) -> [UInt8] {
    let (enc, material) = try InfoHashCache.shared.infoHash(poolID: poolID).withBytes {
      (infoHash) throws(HPKEError) in
      try HPKESenderContext.setUp(
        recipient: publicKey, infoHash: infoHash, ephemeralPrivateKey: ephemeralPrivateKey)
    }
    let context = HPKESenderContext(encapsulatedKey: enc, material: material)
    // One buffer, written once: header, then the ciphertext and tag sealed straight into place.
    return try payload.withBytes { (payload) throws(HPKEError) in
      try aad.withUTF8Bytes { (aad) throws(HPKEError) in
        try [UInt8](byteCount: overhead + payload.count) { (envelope) throws(HPKEError) in
          envelope[0] = version
          withUnsafeBytes(of: publicKey.keyID.rawValue.bigEndian) {
            UnsafeMutableRawBufferPointer(rebasing: envelope[1...KeyID.size]).copyMemory(from: $0)
          }
          enc.withUnsafeBytes {
            UnsafeMutableRawBufferPointer(rebasing: envelope[(1 + KeyID.size)..<headerSize])
              .copyMemory(from: $0)
          }
          try context.seal(
            payload, aad: aad,
            into: UnsafeMutableRawBufferPointer(rebasing: envelope[headerSize...]))
        }
      }
    }
  }

  /// Opens `envelope` with the pool's `privateKey`, checking it was sealed for `poolID` and
  /// `aad`. Checks the version, then the key id, then the length, then authenticity, and throws
  /// the first ``EnvelopeError`` found; on failure nothing of the payload is returned.
  public static func open(
    _ envelope: [UInt8], with privateKey: PrivateKey, poolID: String, aad: String
  ) throws(EnvelopeError) -> [UInt8] {
    guard let first = envelope.first else {
      throw .truncated(length: 0, minimum: overhead)
    }
    guard first == version else { throw .unsupportedVersion(found: first) }
    if envelope.count >= 1 + KeyID.size {
      let found = keyID(envelope)
      guard found == privateKey.publicKey.keyID else {
        throw .keyIDMismatch(envelope: found, key: privateKey.publicKey.keyID)
      }
    }
    guard envelope.count >= overhead else {
      throw .truncated(length: envelope.count, minimum: overhead)
    }
    do {
      return try envelope.withBytes { (envelope) throws(HPKEError) in
        let enc = UnsafeRawBufferPointer(rebasing: envelope[(1 + KeyID.size)..<headerSize])
        let ciphertext = UnsafeRawBufferPointer(rebasing: envelope[headerSize...])
        let material = try InfoHashCache.shared.infoHash(poolID: poolID).withBytes {
          (infoHash) throws(HPKEError) in
          try HPKERecipientContext.setUp(
            encapsulatedKey: enc, recipient: privateKey, infoHash: infoHash)
        }
        let context = HPKERecipientContext(material: material)
        return try aad.withUTF8Bytes { (aad) throws(HPKEError) in
          try [UInt8](byteCount: ciphertext.count - HPKE.tagSize) {
            (payload) throws(HPKEError) in
            try context.open(ciphertext, aad: aad, into: payload)
          }
        }
      }
    } catch {
      // A wrong key, info or aad, an altered enc (including a low-order point) or ciphertext:
      // all look the same from here, by design.
      throw .authenticationFailed
    }
  }

  /// The key id an envelope carries, so a holder of several pool keys can pick the right one.
  /// Checks only the version byte and the length of the header, not authenticity.
  public static func keyID(of envelope: [UInt8]) throws(EnvelopeError) -> KeyID {
    guard let first = envelope.first else { throw .truncated(length: 0, minimum: overhead) }
    guard first == version else { throw .unsupportedVersion(found: first) }
    guard envelope.count >= 1 + KeyID.size else {
      throw .truncated(length: envelope.count, minimum: overhead)
    }
    return keyID(envelope)
  }

  /// Bytes 1 to 8 of `envelope`, which has at least 9 bytes.
  private static func keyID(_ envelope: [UInt8]) -> KeyID {
    envelope.withUnsafeBytes { KeyID(bytes: UnsafeRawBufferPointer(rebasing: $0[1...KeyID.size])) }
  }

  /// `info = "placement/v1 " || poolID`, in UTF-8.
  static func info(poolID: String) -> [UInt8] {
    Array(infoPrefix.utf8) + Array(poolID.utf8)
  }
}
