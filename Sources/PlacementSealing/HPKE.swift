/// HPKE (RFC 9180) in base mode for the one suite placement uses:
/// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305, built on libsodium.
///
/// Set up a ``HPKESenderContext`` with the recipient's ``PublicKey`` and send its
/// ``HPKESenderContext/encapsulatedKey`` with the ciphertexts; the recipient sets up an
/// ``HPKERecipientContext`` from that and its ``PrivateKey``. Both sides must use the same
/// `info`, and each message's `aad`, and open messages in the order they were sealed.
/// ``Envelope`` packages a single message this way.
public enum HPKE {
  /// The KEM identifier: DHKEM(X25519, HKDF-SHA256).
  public static let kemID: UInt16 = 0x0020
  /// The KDF identifier: HKDF-SHA256.
  public static let kdfID: UInt16 = 0x0001
  /// The AEAD identifier: ChaCha20Poly1305.
  public static let aeadID: UInt16 = 0x0003
  /// The size of an encapsulated key (`enc`, `Nenc`): an X25519 public key.
  public static let encapsulatedKeySize = 32
  /// The bytes a sealed message adds to its plaintext: the Poly1305 tag (`Nt`).
  public static let tagSize = Sodium.aeadTagSize

  /// The base mode (RFC 9180 section 5.1, `mode_base`).
  static let modeBase: UInt8 = 0x00

  /// Where each secret sits in a context's key material.
  enum Layout {
    /// The AEAD key (`Nk` = 32 bytes).
    static let key = 0..<32
    /// The base nonce (`Nn` = 12 bytes).
    static let baseNonce = 32..<44
    /// The exporter secret (`Nh` = 32 bytes).
    static let exporterSecret = 44..<76
    /// All of it.
    static let count = 76
  }

  /// What the key schedule computed besides the context's own secrets; tests compare these with
  /// the RFC 9180 vectors.
  struct KeyScheduleTrace {
    /// `key_schedule_context = concat(mode, psk_id_hash, info_hash)`.
    var keyScheduleContext: [UInt8]
    /// `secret = LabeledExtract(shared_secret, "secret", psk)`.
    var secret: [UInt8]
  }

  /// `KeySchedule(mode_base, shared_secret, info, "", "")` (RFC 9180 section 5.1): returns the
  /// key, base nonce and exporter secret laid out as in ``Layout``. `trace`, for tests, receives
  /// the intermediate values.
  static func keySchedule(
    sharedSecret: UnsafeRawBufferPointer, info: UnsafeRawBufferPointer,
    trace: ((KeyScheduleTrace) -> Void)? = nil
  ) throws(HPKEError) -> SecureBytes {
    let suiteID = LabeledHKDF.hpkeSuiteID
    let empty = UnsafeRawBufferPointer(start: nil, count: 0)
    let contextSize = 1 + 2 * Sodium.sha256Size
    return try withUnsafeTemporaryAllocation(
      byteCount: contextSize + Sodium.sha256Size, alignment: 16
    ) {
      (scratch) throws(HPKEError) -> SecureBytes in
      defer { Sodium.wipe(scratch) }
      let context = UnsafeMutableRawBufferPointer(rebasing: scratch[..<contextSize])
      let secret = UnsafeMutableRawBufferPointer(rebasing: scratch[contextSize...])
      context[0] = modeBase
      try LabeledHKDF.extract(
        salt: empty, suiteID: suiteID, label: "psk_id_hash", ikm: empty,
        into: UnsafeMutableRawBufferPointer(rebasing: context[1..<33]))
      try LabeledHKDF.extract(
        salt: empty, suiteID: suiteID, label: "info_hash", ikm: info,
        into: UnsafeMutableRawBufferPointer(rebasing: context[33..<65]))
      try LabeledHKDF.extract(
        salt: sharedSecret, suiteID: suiteID, label: "secret", ikm: empty, into: secret)
      let prk = UnsafeRawBufferPointer(secret)
      let info = UnsafeRawBufferPointer(context)
      if let trace {
        trace(KeyScheduleTrace(keyScheduleContext: [UInt8](info), secret: [UInt8](prk)))
      }
      return try SecureBytes(count: Layout.count) { (material) throws(HPKEError) in
        try LabeledHKDF.expand(
          prk: prk, suiteID: suiteID, label: "key", info: info,
          into: UnsafeMutableRawBufferPointer(rebasing: material[Layout.key]))
        try LabeledHKDF.expand(
          prk: prk, suiteID: suiteID, label: "base_nonce", info: info,
          into: UnsafeMutableRawBufferPointer(rebasing: material[Layout.baseNonce]))
        try LabeledHKDF.expand(
          prk: prk, suiteID: suiteID, label: "exp", info: info,
          into: UnsafeMutableRawBufferPointer(rebasing: material[Layout.exporterSecret]))
      }
    }
  }

  /// Calls `body` with the AEAD key and the nonce of message `sequenceNumber`:
  /// `xor(base_nonce, I2OSP(seq, Nn))` (RFC 9180 section 5.2).
  static func withKeyAndNonce<R>(
    _ material: SecureBytes, sequenceNumber: UInt64,
    _ body: (_ key: UnsafeRawBufferPointer, _ nonce: UnsafeRawBufferPointer) throws(HPKEError) -> R
  ) throws(HPKEError) -> R {
    try material.withUnsafeBytes { (bytes) throws(HPKEError) -> R in
      try withUnsafeTemporaryAllocation(byteCount: Sodium.aeadNonceSize, alignment: 16) {
        (nonce) throws(HPKEError) -> R in
        nonce.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[Layout.baseNonce]))
        // The sequence number is at most 64 bits: its big-endian bytes meet the last 8 of 12.
        withUnsafeBytes(of: sequenceNumber.bigEndian) { sequence in
          for index in 0..<8 { nonce[4 + index] ^= sequence[index] }
        }
        return try body(
          UnsafeRawBufferPointer(rebasing: bytes[Layout.key]), UnsafeRawBufferPointer(nonce))
      }
    }
  }

  /// `Context.Export(exporter_context, L)` (RFC 9180 section 5.3):
  /// `LabeledExpand(exporter_secret, "sec", exporter_context, L)`.
  static func export(_ material: SecureBytes, exporterContext: [UInt8], length: Int)
    throws(HPKEError) -> [UInt8]
  {
    guard length >= 0, length <= LabeledHKDF.maximumExpandLength else {
      throw .exportLengthTooLarge(requested: length, maximum: LabeledHKDF.maximumExpandLength)
    }
    return try material.withUnsafeBytes { (bytes) throws(HPKEError) -> [UInt8] in
      try exporterContext.withBytes { (context) throws(HPKEError) -> [UInt8] in
        try [UInt8](byteCount: length) { (destination) throws(HPKEError) in
          try LabeledHKDF.expand(
            prk: UnsafeRawBufferPointer(rebasing: bytes[Layout.exporterSecret]),
            suiteID: LabeledHKDF.hpkeSuiteID, label: "sec", info: context, into: destination)
        }
      }
    }
  }
}
