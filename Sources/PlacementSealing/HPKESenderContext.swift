/// The sender's side of an HPKE base-mode context (RFC 9180 sections 5.1.1 and 5.2): seals any
/// number of messages to one recipient, each with its own nonce
/// (`xor(base_nonce, I2OSP(seq, 12))`), in order.
///
/// Not for sharing between threads: each seal advances the sequence number. The key material is
/// wiped when the context is released.
public final class HPKESenderContext {
  /// `enc`: the ephemeral public key the recipient needs to set up its context.
  public let encapsulatedKey: [UInt8]

  /// The number of messages sealed so far (the next message's sequence number).
  public private(set) var sequenceNumber: UInt64 = 0

  /// Key, base nonce and exporter secret (``HPKE/Layout``).
  private let material: SecureBytes

  /// `SetupBaseS(pkR, info)`: a fresh ephemeral key pair, encapsulated to `recipient`.
  public convenience init(recipient: PublicKey, info: [UInt8]) throws(HPKEError) {
    try self.init(recipient: recipient, info: info, ephemeralPrivateKey: nil)
  }

  /// `SetupBaseS` with a given ephemeral private key when `ephemeralPrivateKey` is not nil:
  /// only for known-answer tests (RFC 9180 Appendix A); reusing an ephemeral key breaks HPKE's
  /// security. `trace` receives the intermediate values.
  convenience init(
    recipient: PublicKey, info: [UInt8], ephemeralPrivateKey: [UInt8]?,
    trace: ((_ sharedSecret: [UInt8], _ keySchedule: HPKE.KeyScheduleTrace) -> Void)? = nil
  ) throws(HPKEError) {
    let (enc, material) = try HPKE.infoHash(info).withBytes { (infoHash) throws(HPKEError) in
      try Self.setUp(
        recipient: recipient, infoHash: infoHash, ephemeralPrivateKey: ephemeralPrivateKey,
        trace: trace)
    }
    self.init(encapsulatedKey: enc, material: material)
  }

  /// A context on key material the key schedule produced for `enc`.
  init(encapsulatedKey: [UInt8], material: SecureBytes) {
    self.encapsulatedKey = encapsulatedKey
    self.material = material
  }

  /// `SetupBaseS` given `info_hash` (``HPKE/infoHash(_:into:)``), which the envelope caches
  /// per pool.
  static func setUp(
    recipient: PublicKey, infoHash: UnsafeRawBufferPointer, ephemeralPrivateKey: [UInt8]?,
    trace: ((_ sharedSecret: [UInt8], _ keySchedule: HPKE.KeyScheduleTrace) -> Void)? = nil
  ) throws(HPKEError) -> (enc: [UInt8], material: SecureBytes) {
    if let ephemeralPrivateKey, ephemeralPrivateKey.count != DHKEM.size {
      throw .invalidKeyLength(found: ephemeralPrivateKey.count, expected: DHKEM.size)
    }
    return try withUnsafeTemporaryAllocation(byteCount: 2 * DHKEM.size, alignment: 16) {
      (scratch) throws(HPKEError) in
      defer { Sodium.wipe(scratch) }
      let skE = UnsafeMutableRawBufferPointer(rebasing: scratch[..<DHKEM.size])
      let sharedSecret = UnsafeMutableRawBufferPointer(rebasing: scratch[DHKEM.size...])
      if let ephemeralPrivateKey {
        ephemeralPrivateKey.withUnsafeBytes { skE.copyMemory(from: $0) }
      } else {
        try Sodium.randomBytes(skE)
      }
      let enc = try [UInt8](byteCount: DHKEM.size) { (enc) throws(HPKEError) in
        try recipient.bytes.withBytes { (pkR) throws(HPKEError) in
          try DHKEM.encap(
            recipientPublicKey: pkR, ephemeralPrivateKey: UnsafeRawBufferPointer(skE), enc: enc,
            sharedSecret: sharedSecret)
        }
      }
      let material = HPKE.keySchedule(
        sharedSecret: UnsafeRawBufferPointer(sharedSecret), infoHash: infoHash,
        trace: trace.map { trace in { trace([UInt8](sharedSecret), $0) } })
      return (enc, material)
    }
  }

  /// Seals one message: `ContextS.Seal(aad, pt)`. Returns the ciphertext followed by the tag
  /// (``HPKE/tagSize`` bytes longer than `plaintext`).
  public func seal(_ plaintext: [UInt8], aad: [UInt8] = []) throws(HPKEError) -> [UInt8] {
    try plaintext.withBytes { (plaintext) throws(HPKEError) in
      try aad.withBytes { (aad) throws(HPKEError) in
        try [UInt8](byteCount: plaintext.count + HPKE.tagSize) { (output) throws(HPKEError) in
          try seal(plaintext, aad: aad, into: output)
        }
      }
    }
  }

  /// Seals one message into `output` (exactly `plaintext.count + 16` bytes), so a caller can
  /// place the ciphertext inside a larger buffer without copying it.
  func seal(
    _ plaintext: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
    into output: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    guard sequenceNumber < UInt64.max else { throw .messageLimitReached }
    try HPKE.withKeyAndNonce(material, sequenceNumber: sequenceNumber) {
      (key, nonce) throws(HPKEError) in
      try Sodium.aeadSeal(plaintext, aad: aad, nonce: nonce, key: key, into: output)
    }
    sequenceNumber += 1
  }

  /// `Context.Export(exporter_context, L)` (RFC 9180 section 5.3): a secret of `length` bytes
  /// (at most 8160) both sides can derive.
  public func export(exporterContext: [UInt8], length: Int) throws(HPKEError) -> [UInt8] {
    try HPKE.export(material, exporterContext: exporterContext, length: length)
  }

  /// The key material, for the known-answer tests.
  var materialForTests: SecureBytes { material }

  /// The next message's nonce, for the known-answer tests.
  var nextNonce: [UInt8] {
    (try? HPKE.withKeyAndNonce(material, sequenceNumber: sequenceNumber) { _, nonce in
      [UInt8](nonce)
    }) ?? []
  }
}
