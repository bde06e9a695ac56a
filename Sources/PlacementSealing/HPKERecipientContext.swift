/// The recipient's side of an HPKE base-mode context (RFC 9180 sections 5.1.1 and 5.2): opens
/// the sender's messages in the order they were sealed.
///
/// Not for sharing between threads: each successful open advances the sequence number (a failed
/// one does not). The key material is wiped when the context is released.
public final class HPKERecipientContext {
  /// The number of messages opened so far (the next message's sequence number).
  public private(set) var sequenceNumber: UInt64 = 0

  /// Key, base nonce and exporter secret (``HPKE/Layout``).
  private let material: SecureBytes

  /// `SetupBaseR(enc, skR, info)`. Throws ``HPKEError/invalidKeyLength(found:expected:)`` when
  /// `encapsulatedKey` is not 32 bytes and ``HPKEError/invalidPublicKey`` when it is a
  /// low-order point.
  public convenience init(encapsulatedKey: [UInt8], recipient: PrivateKey, info: [UInt8])
    throws(HPKEError)
  {
    let material = try encapsulatedKey.withBytes { (enc) throws(HPKEError) in
      try HPKE.infoHash(info).withBytes { (infoHash) throws(HPKEError) in
        try Self.setUp(encapsulatedKey: enc, recipient: recipient, infoHash: infoHash)
      }
    }
    self.init(material: material)
  }

  /// A context on key material the key schedule produced.
  init(material: SecureBytes) {
    self.material = material
  }

  /// `SetupBaseR` on raw bytes and `info_hash` (``HPKE/infoHash(_:into:)``); the envelope calls
  /// it on a slice of the envelope and its cached info hash. `trace`, for tests, receives the
  /// intermediate values.
  static func setUp(
    encapsulatedKey enc: UnsafeRawBufferPointer, recipient: PrivateKey,
    infoHash: UnsafeRawBufferPointer,
    trace: ((_ sharedSecret: [UInt8], _ keySchedule: HPKE.KeyScheduleTrace) -> Void)? = nil
  ) throws(HPKEError) -> SecureBytes {
    guard enc.count == DHKEM.size else {
      throw .invalidKeyLength(found: enc.count, expected: DHKEM.size)
    }
    return try withUnsafeTemporaryAllocation(byteCount: DHKEM.size, alignment: 16) {
      (sharedSecret) throws(HPKEError) in
      defer { Sodium.wipe(sharedSecret) }
      try recipient.secret.withUnsafeBytes { (skR) throws(HPKEError) in
        try recipient.publicKey.bytes.withBytes { (pkR) throws(HPKEError) in
          try DHKEM.decap(
            enc: enc, recipientPrivateKey: skR, recipientPublicKey: pkR, sharedSecret: sharedSecret)
        }
      }
      return HPKE.keySchedule(
        sharedSecret: UnsafeRawBufferPointer(sharedSecret), infoHash: infoHash,
        trace: trace.map { trace in { trace([UInt8](sharedSecret), $0) } })
    }
  }

  /// Opens one message: `ContextR.Open(aad, ct)`. Throws ``HPKEError/openFailed`` when the tag
  /// does not match; nothing of the plaintext is returned then.
  public func open(_ ciphertext: [UInt8], aad: [UInt8] = []) throws(HPKEError) -> [UInt8] {
    guard ciphertext.count >= HPKE.tagSize else { throw .openFailed }
    return try ciphertext.withBytes { (ciphertext) throws(HPKEError) in
      try aad.withBytes { (aad) throws(HPKEError) in
        try [UInt8](byteCount: ciphertext.count - HPKE.tagSize) { (output) throws(HPKEError) in
          try open(ciphertext, aad: aad, into: output)
        }
      }
    }
  }

  /// Opens one message into `output` (exactly `ciphertext.count - 16` bytes). On failure
  /// `output` is all zeros and ``HPKEError/openFailed`` is thrown.
  func open(
    _ ciphertext: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer,
    into output: UnsafeMutableRawBufferPointer
  ) throws(HPKEError) {
    guard sequenceNumber < UInt64.max else { throw .messageLimitReached }
    let authentic = try HPKE.withKeyAndNonce(material, sequenceNumber: sequenceNumber) {
      (key, nonce) throws(HPKEError) in
      try Sodium.aeadOpen(ciphertext, aad: aad, nonce: nonce, key: key, into: output)
    }
    guard authentic else { throw .openFailed }
    sequenceNumber += 1
  }

  /// `Context.Export(exporter_context, L)` (RFC 9180 section 5.3): the same secret the sender's
  /// context exports.
  public func export(exporterContext: [UInt8], length: Int) throws(HPKEError) -> [UInt8] {
    try HPKE.export(material, exporterContext: exporterContext, length: length)
  }
}
